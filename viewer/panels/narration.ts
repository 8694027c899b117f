// The scenario narration box: the beat's text, its number, Continue and Exit. Announced politely to
// screen readers (aria-live) as playback pauses at each beat.

export class Narration {
  readonly #box: HTMLElement;
  readonly #title: HTMLElement;
  readonly #step: HTMLElement;
  readonly #text: HTMLElement;

  constructor(onContinue: () => void, onExit: () => void) {
    this.#box = document.getElementById("narration")!;
    this.#title = document.getElementById("narration-title")!;
    this.#step = document.getElementById("narration-step")!;
    this.#text = document.getElementById("narration-text")!;
    document.getElementById("narration-continue")!.addEventListener("click", onContinue);
    document.getElementById("narration-exit")!.addEventListener("click", onExit);
  }

  show(title: string, beat: number, beats: number, text: string, last: boolean): void {
    this.#box.hidden = false;
    this.#title.textContent = title;
    this.#step.textContent = `beat ${beat + 1} of ${beats}`;
    this.#text.textContent = text;
    const button = document.getElementById("narration-continue")!;
    button.textContent = last ? "Finish (Enter)" : "Continue (Enter)";
  }

  hide(): void {
    this.#box.hidden = true;
  }

  get visible(): boolean {
    return !this.#box.hidden;
  }
}
