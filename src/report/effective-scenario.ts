/**
 * scenario.json in the results: the scenario as it really ran (file + flags + defaults), so a result can be
 * reproduced, with the secrets taken out (it is meant to be attached to tickets and CI artifacts).
 */
import type { Scenario } from '../scenario/scenario.js';

export const REDACTED = '<redacted>';

export function effectiveScenario(scenario: Scenario): unknown {
  const acs = {
    ...scenario.acs,
    url: scenario.acs.url === undefined ? undefined : redactUrl(scenario.acs.url),
    password: scenario.acs.password === undefined ? undefined : REDACTED,
    // The CA is public, but a PEM blob does not help a reader: say that one was given.
    ca: scenario.acs.ca === undefined ? undefined : `<PEM, ${scenario.acs.ca.length} characters>`,
  };
  const thresholds = (scenario.thresholds ?? []).map((t) => ({ expr: t.expr, abortOnFail: t.abortOnFail, delayMs: t.delayMs, profile: t.profile }));
  const cr = scenario.connectionRequests;
  // Secrets: the STUN password, the XMPP password template (often the same for every CPE).
  const stun = cr?.udp?.stun;
  const connectionRequests =
    cr === undefined
      ? cr
      : {
          ...cr,
          ...(stun?.password !== undefined ? { udp: { ...cr.udp!, stun: { ...stun, password: REDACTED } } } : {}),
          ...(cr.xmpp !== undefined ? { xmpp: { ...cr.xmpp, password: REDACTED } } : {}),
        };
  // The reference ACS's XMPP password.
  const referenceAcs = scenario.referenceAcs.xmpp ? { ...scenario.referenceAcs, xmpp: { ...scenario.referenceAcs.xmpp, password: REDACTED } } : scenario.referenceAcs;
  return { ...scenario, acs, thresholds, connectionRequests, referenceAcs };
}

/** http://user:secret@acs/ → http://user:<redacted>@acs/ */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = REDACTED;
    return u.toString();
  } catch {
    return url;
  }
}
