import type { Server } from "node:http";

/**
 * Node closes idle keep-alive sockets after 5 s, and a client (workerd) that picks such a
 * socket just as it closes sees "connection lost": a spurious outage under bursts of load.
 * Stand-ins keep idle sockets longer than their clients do, as real services behind a
 * load balancer do.
 */
export function keepIdleConnections(server: Server) {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
}
