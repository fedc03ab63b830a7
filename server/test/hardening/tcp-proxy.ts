// A TCP proxy the test controls, in front of PostgreSQL: it can cut every connection and refuse
// new ones (the database "goes away" for the app) and then accept again, without touching the
// shared PostgreSQL cluster itself.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
  readonly connections: number;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  function listen(): Promise<void> {
    const s = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      sockets.add(client);
      sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  function stopListening(): Promise<void> {
    const s = server;
    server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => s.close(() => resolve()));
  }

  function dropAll() {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  }

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return sockets.size / 2;
    },
    async cut() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
    async restore() {
      if (!server) await listen();
    },
    async close() {
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}
