// The guide's websocket protocol for the browser: hello on every (re)connection, reconnection
// with backoff, and one callback per server message. Knows nothing about the page.

export const PROTOCOL_VERSION = 1;

export class GuideConnection {
  constructor(url, hello, onMessage, onState) {
    this.url = url;
    this.hello = hello;            // {client, tour, language, token}
    this.onMessage = onMessage;
    this.onState = onState;        // ("connecting" | "open" | "closed", detail)
    this.delay = 500;
    this.ws = null;
    this.stopped = false;
  }

  connect() {
    this.onState("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({type: "hello", protocol: PROTOCOL_VERSION, ...this.hello}));
    ws.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch { return; }
      if (msg.type === "welcome") { this.delay = 500; this.onState("open", msg); }
      this.onMessage(msg);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.onState("closed", event);
      if (!this.stopped && event.code !== 1008) {   // 1008: refused token, retrying will not help
        setTimeout(() => this.connect(), this.delay);
        this.delay = Math.min(this.delay * 2, 10000);
      }
    };
    ws.onerror = () => {};   // onclose follows and reports it
  }

  get open() { return this.ws !== null && this.ws.readyState === WebSocket.OPEN; }

  send(message) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  close() { this.stopped = true; if (this.ws) this.ws.close(1000); }
}

// Server error codes in words a visitor understands.
const WORDS = {
  busy: "The guide is answering many visitors right now. Please ask again in a moment.",
  rate_limited: "You are sending messages very quickly. Please wait a second.",
  not_ready: "The guide is still starting up. Reconnecting…",
  unauthorised: "This guide needs an access code. Ask the museum staff for the link with the code.",
  protocol_version: "This page is out of date. Please reload it.",
  unknown_exhibit: "That exhibit is not in this museum's catalogue.",
  generation_failed: "The guide could not answer that one. Please try asking differently.",
  unknown_answer: "That answer is no longer known to the guide, so the rating could not be saved.",
};

export function visitorMessage(error) {
  return WORDS[error.code] || "Something went wrong with that request. Please try again.";
}

export function newId() {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}
