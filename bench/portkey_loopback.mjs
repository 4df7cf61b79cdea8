// Preloaded into Portkey's gateway by bench/portkey.py: listen on 127.0.0.1 only.
// Its start script calls listen(port) with no host, i.e. on every interface, and it forwards
// requests to any trusted custom host (loopback included): for the length of a benchmark
// that would be a relay into this machine's loopback services for anyone on the network.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && (args[1] === undefined || typeof args[1] === "function")) {
    args.splice(1, args[1] === undefined ? 1 : 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
