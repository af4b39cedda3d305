/**
 * The part of @xmpp/client 0.14 cpesim uses (the package ships no TypeScript types). Only what is declared here
 * is relied on; see node_modules/@xmpp/client/index.js and @xmpp/{connection,iq,middleware,reconnect}.
 */
declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';

  /** An @xmpp/xml (ltx) element. */
  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    children: (XmlElement | string)[];
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildElements(): XmlElement[];
    getText(): string;
    toString(): string;
  }

  export function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: (XmlElement | string)[]): XmlElement;

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }

  /** What a middleware sees of an incoming element (stanza or nonza). */
  export interface IncomingContext {
    stanza: XmlElement;
    /** The IQ's only child, set by the IQ callee for get/set IQs. */
    element?: XmlElement;
    name: string;
    type: string;
    id: string;
    from: Jid | null;
    to: Jid | null;
  }

  /** Resolves to a reply element (sent back) or undefined. */
  export type Middleware = (ctx: IncomingContext, next: () => Promise<unknown>) => unknown;

  export interface ClientOptions {
    /** e.g. xmpp://127.0.0.1:5222 (plain TCP; STARTTLS when the server offers it). */
    service: string;
    domain: string;
    username: string;
    password: string;
    resource?: string;
    /** Stream open/close timeout in ms (default 2000). */
    timeout?: number;
    /** Takes over the SASL step: call `authenticate` with the credentials and one of the offered `mechanisms`. */
    credentials?: (authenticate: (credentials: { username: string; password: string }, mechanism: string) => Promise<void>, mechanisms: string[]) => Promise<void>;
  }

  export interface Client extends EventEmitter {
    /** offline, connecting, connect, opening, open, online, closing, close, disconnecting, disconnect. */
    status: string;
    jid: Jid | null;
    /** Connects, authenticates and binds; resolves with the full JID. */
    start(): Promise<Jid>;
    stop(): Promise<void>;
    send(...elements: XmlElement[]): Promise<void>;
    middleware: { use(fn: Middleware): Middleware };
    iqCaller: { request(stanza: XmlElement, timeoutMs?: number): Promise<XmlElement> };
    iqCallee: {
      set(ns: string, name: string, handler: (ctx: IncomingContext, next: () => Promise<unknown>) => unknown): void;
      get(ns: string, name: string, handler: (ctx: IncomingContext, next: () => Promise<unknown>) => unknown): void;
    };
    /** The TCP socket while attached (internal to @xmpp/connection; used to destroy one stop() left open). */
    socket: { destroy(): void } | null;
    /** Reconnects 1 s after any disconnect until stopped. */
    reconnect: { stop(): void };
  }

  export function client(options: ClientOptions): Client;
}
