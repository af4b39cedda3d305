import { createHash, timingSafeEqual } from 'node:crypto';
import { xml, type XmlElement } from '@xmpp/client';
import type { Credentials } from '../acs/auth.js';

/**
 * The TR-069 Annex K XMPP connection request (K.2.2): an IQ `set` to the CPE's ConnReqJabberID carrying
 * `<connectionRequest xmlns="urn:broadband-forum-org:cwmp:xmppConnReq-1-0"><username/><password/></connectionRequest>`
 * with the CPE's ConnectionRequestUsername/Password; the CPE answers an empty IQ result (then starts a session
 * with "6 CONNECTION REQUEST") or an IQ error (`not-authorized` for wrong credentials or a sender not in
 * ConnReqAllowedJabberIDs, `service-unavailable` when it cannot act on it).
 */
export const NS_XMPP_CONNREQ = 'urn:broadband-forum-org:cwmp:xmppConnReq-1-0';
export const CONNECTION_REQUEST_ELEMENT = 'connectionRequest';
/** RFC 6120 §8.3: stanza error conditions. */
export const NS_STANZA_ERRORS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

/** Why an XMPP stanza did not trigger anything. Stable names: the `cr.xmpp.rejected.<reason>` counters. */
export type XmppRejectReason =
  /** A connectionRequest IQ without exactly one username and one password, or not an IQ set. */
  | 'malformed'
  /** Any other stanza (messages, presence, IQs of other namespaces): dropped, an IQ get/set gets service-unavailable. */
  | 'unknown'
  /** Wrong username/password. */
  | 'auth_failed'
  /** The sender is not in ManagementServer.ConnReqAllowedJabberIDs. */
  | 'forbidden_jid'
  | 'offline'
  | 'rate_limited'
  | 'unavailable';

/** The credentials a connectionRequest element carries, or undefined when it is not well formed. */
export function parseConnectionRequest(element: XmlElement): Credentials | undefined {
  const children = element.getChildElements();
  if (children.length !== 2) return undefined;
  const username = element.getChild('username');
  const password = element.getChild('password');
  if (!username || !password || username.getChildElements().length > 0 || password.getChildElements().length > 0) return undefined;
  return { username: username.getText(), password: password.getText() };
}

/** The IQ child the ACS sends (K.2.2). */
export function connectionRequestElement(credentials: Credentials): XmlElement {
  return xml(
    CONNECTION_REQUEST_ELEMENT,
    { xmlns: NS_XMPP_CONNREQ },
    xml('username', {}, credentials.username),
    xml('password', {}, credentials.password),
  );
}

/** An `<error>` element for an IQ error reply (RFC 6120 §8.3.2). */
export function stanzaError(type: 'cancel' | 'wait' | 'auth' | 'modify', condition: string): XmlElement {
  return xml('error', { type }, xml(condition, { xmlns: NS_STANZA_ERRORS }));
}

/** Compared through digests of equal length, so the time taken tells nothing about the secret. */
export function credentialsMatch(given: Credentials, expected: Credentials): boolean {
  // Length-prefixed: no username/password split of one string can collide with another.
  const digest = (c: Credentials) => createHash('sha256').update(`${c.username.length}:${c.username}${c.password}`).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * TR-181 ManagementServer.ConnReqAllowedJabberIDs: an empty list allows everyone; a full JID entry
 * (local@domain/resource) must match exactly, a bare one (local@domain) matches any resource. The local part and
 * the domain compare case-insensitively (RFC 7622 case-folds them), the resource exactly.
 */
export function jabberIdAllowed(from: string, allowedList: string): boolean {
  const allowed = allowedList.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (allowed.length === 0) return true;
  const [bare, resource] = splitJid(from);
  return allowed.some((entry) => {
    const [entryBare, entryResource] = splitJid(entry);
    return entryBare === bare && (entryResource === undefined || entryResource === resource);
  });
}

/** [lower-cased local@domain, resource or undefined]. */
function splitJid(jid: string): [string, string | undefined] {
  const slash = jid.indexOf('/');
  return slash < 0 ? [jid.toLowerCase(), undefined] : [jid.slice(0, slash).toLowerCase(), jid.slice(slash + 1)];
}
