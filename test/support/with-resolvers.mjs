// Promise.withResolvers for Node 20 (it arrived in Node 22): @platformatic/kafka 2.x calls it.
// Preload with `node --import ./test/support/with-resolvers.mjs`, or import it before the client.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
