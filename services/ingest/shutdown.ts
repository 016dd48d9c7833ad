import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lets a stopping server finish without waiting on clients that connected and never sent a request.
 *
 * On close, Node ends idle keep-alive connections and waits for the ones with a request in flight
 * (so every accepted event gets its answer). But a connection that has not sent a byte counts as
 * "in flight" too: HTTP clients open spare connections for their pool (undici does under
 * concurrent large requests), and the server then waits for its headers timeout (a minute) before
 * it stops. This closes those connections when the stop begins: they carry no request, and a client
 * that sends on one later sees a reset connection and retries elsewhere, as it would after a stop.
 */
export function closeUnusedConnectionsOnStop(server: Server): () => void {
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  return () => {
    // Data that arrived but is not parsed into a request yet is still a request beginning: keep it.
    for (const socket of unused) if (socket.bytesRead === 0) socket.destroy();
  };
}
