// Shared by the web-safety tests: HTTP spoken by hand over a raw socket, to reach what fetch cannot
// (headers too large, requests that are not HTTP, slow and silent clients).
import net from "node:net";

export interface RawReply {
  status: number;
  headers: string;
  body: unknown;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfterMs: number;
}

/**
 * Speaks HTTP by hand: writes `head`, then `drip` every `everyMs` until the server answers and closes
 * (or 10 s pass). Answers the status, headers, JSON body and when the connection closed.
 */
export function rawRequest(
  url: string,
  head: string,
  drip?: { text: string; everyMs: number },
): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error("the server kept the connection open for 10 s"));
    }, 10_000);
    socket.on("connect", () => {
      socket.write(head);
      if (drip) timer = setInterval(() => socket.writable && socket.write(drip.text), drip.everyMs);
    });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(guard);
      const text = Buffer.concat(chunks).toString("utf8");
      const [headers = "", body = ""] = text.split("\r\n\r\n");
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {}
      resolve({
        status: Number(headers.split(" ")[1] ?? 0),
        headers,
        body: parsed,
        closedAfterMs: Date.now() - started,
      });
    });
  });
}

export const hostOf = (url: string) => new URL(url).host;
