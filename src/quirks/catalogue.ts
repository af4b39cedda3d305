/**
 * The vendor quirk catalogue: every way a real CPE bends TR-069 that a profile can switch on, with the field
 * case it comes from and its options. A profile writes `quirks:` as a map, quirk name → `true` or an options
 * object; compileQuirks checks it (unknown quirk, bad option → ConfigError with file, line and field) and
 * compiles it once per profile into a frozen QuirkSet. The effects live where they belong (codec, transport,
 * session, RPC dispatch, data model), each guarded by its bit.
 */
import { ajv, type YamlFile } from '../config/yaml-file.js';
import { parseDurationMs } from '../config/duration.js';
import type { ParamType } from '../cwmp/messages.js';
import { PARAM_TYPES } from '../datamodel/value-types.js';
import { DEFAULT_QUIRK_OPTIONS, NO_QUIRKS, QUIRK, QuirkSet, type QuirkName, type QuirkSetInit } from './quirk-set.js';

export type QuirkLayer = 'codec' | 'transport' | 'session' | 'rpc' | 'datamodel';

export interface QuirkOptionDoc {
  readonly name: string;
  readonly description: string;
  /** Absent: the option is required. */
  readonly default?: string;
}

/** What `quirkCatalogue()` lists for each quirk (for `cpesim profile show` and the README table). */
export interface QuirkDoc {
  readonly name: QuirkName;
  readonly layer: QuirkLayer;
  readonly description: string;
  readonly fieldCase: string;
  readonly options: readonly QuirkOptionDoc[];
}

/** Resolves the generic paths quirk options name against the profile's tree (compile-profile.ts provides it). */
export interface QuirkPathLookup {
  /** The parameter's type when `genericPath` is a parameter of the profile. */
  parameterType(genericPath: string): ParamType | undefined;
  /** `genericPath` (ending in ".") is an object of the profile. */
  isObject(genericPath: string): boolean;
}

type Options = Record<string, unknown>;

interface ApplyContext {
  readonly init: QuirkSetInit;
  readonly paths: QuirkPathLookup;
  /** Located error for an option of this quirk (`field` below `quirks.<name>`). */
  fail(message: string, ...field: (string | number)[]): never;
}

interface QuirkDefinition extends QuirkDoc {
  /** JSON schema of the options object (strict: unknown options are errors). */
  readonly schema: object;
  /** The quirk needs options (there is no sensible default): `true` alone is an error. */
  readonly needsOptions?: boolean;
  readonly apply?: (opts: Options, ctx: ApplyContext) => void;
}

const noOptions = { type: 'object', additionalProperties: false, properties: {} };
const options = (properties: Record<string, object>, required: string[] = []): object => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length > 0 ? { required } : {}),
});
const duration = { type: ['string', 'number'] };
/** CPE fault codes (TR-069 A.5.1: 9000-9899; 8xxx are the ACS's). */
const faultCode = { type: 'integer', minimum: 9000, maximum: 9899 };
/** A list of generic paths, or a map path → value (the map form carries a per-path setting). */
const pathList = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };

/** An apply that copies one option, when given, into one QuirkSet field. */
function copyOption<K extends keyof QuirkSetInit>(option: string, field: K): (o: Options, ctx: ApplyContext) => void {
  return (o, { init }) => {
    if (o[option] !== undefined) init[field] = o[option] as QuirkSetInit[K];
  };
}

function durationMs(ctx: ApplyContext, value: unknown, field: string): number {
  const ms = value === undefined ? undefined : parseDurationMs(value as string | number);
  if (ms === undefined) ctx.fail(`"${String(value)}" is not a duration (500ms, 2s, 1m)`, field);
  return ms;
}

function checkParameter(ctx: ApplyContext, path: string, ...field: (string | number)[]): ParamType {
  const type = ctx.paths.parameterType(path);
  if (type === undefined) ctx.fail(`"${path}" is not a parameter of the profile (generic path, "{i}" for instances)`, ...field);
  return type;
}

const DEFINITIONS: readonly QuirkDefinition[] = [
  {
    name: 'booleansAsDigits',
    layer: 'datamodel',
    description: 'Boolean values are read back as 1/0; SetParameterValues with "true"/"false" is rejected (9007 per parameter).',
    fieldCase: 'Seen on DSL gateways whose data model stores booleans as integers in a config database.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'emptyHeaderNoCwmpId',
    layer: 'codec',
    description: 'Every envelope carries an empty SOAP Header: no cwmp:ID, not even on the Inform or when the ACS sent one.',
    fieldCase: 'Seen on low-cost routers with a hand-rolled SOAP stack that ignores the ACS\'s cwmp:ID.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'fixedCwmpId',
    layer: 'session',
    description: 'The cwmp:ID is always the same string, on the Inform and on every response (the ACS\'s ID is not echoed).',
    fieldCase: 'Seen on set-top boxes whose firmware hard-codes the header template.',
    options: [{ name: 'id', description: 'the cwmp:ID sent', default: '"1"' }],
    schema: options({ id: { type: 'string', minLength: 1 } }),
    apply: copyOption('id', 'fixedCwmpId'),
  },
  {
    name: 'arrayTypeCount',
    layer: 'codec',
    description: 'SOAP array counts are zero-padded (`[0003]`) or wrong (one more than the items sent).',
    fieldCase: 'Seen on gateways that print the count with a fixed-width format or count a trailing separator.',
    options: [{ name: 'mode', description: 'zeroPadded | wrong', default: 'zeroPadded' }],
    schema: options({ mode: { enum: ['zeroPadded', 'wrong'] } }),
    apply: copyOption('mode', 'arrayTypeCount'),
  },
  {
    name: 'currentTimeZone',
    layer: 'session',
    description: 'The Inform\'s CurrentTime has no time zone (local time, `2024-05-01T10:00:00`) or `+00:00` instead of `Z`.',
    fieldCase: 'Seen on ONTs without a configured time zone and on devices formatting with strftime("%z").',
    options: [{ name: 'mode', description: 'none | plusZero', default: 'none' }],
    schema: options({ mode: { enum: ['none', 'plusZero'] } }),
    apply: copyOption('mode', 'currentTimeZone'),
  },
  {
    name: 'soapPrefix',
    layer: 'codec',
    description: 'The SOAP envelope namespace uses another prefix (`soap_env`, `SOAP-ENV`) instead of `soap-env`.',
    fieldCase: 'Seen on gSOAP-based stacks (SOAP-ENV) and on devices whose XML writer cannot emit "-" in prefixes.',
    options: [{ name: 'prefix', description: 'soap_env | SOAP-ENV', default: 'SOAP-ENV' }],
    schema: options({ prefix: { enum: ['soap_env', 'SOAP-ENV'] } }),
    apply: (o, { init }) => {
      init.soapPrefix = (o['prefix'] as string | undefined) ?? 'SOAP-ENV';
    },
  },
  {
    name: 'cwmpNamespace',
    layer: 'session',
    description: 'The CPE always speaks cwmp-1-<version> (Inform and every answer), whatever version the ACS uses.',
    fieldCase: 'Seen on TR-069 amendment-2/5 firmware that does not negotiate the namespace down.',
    options: [{ name: 'version', description: '2 | 4 (urn:dslforum-org:cwmp-1-2 or -1-4)', default: '2' }],
    schema: options({ version: { enum: [2, 4] } }),
    apply: copyOption('version', 'cwmpVersion'),
  },
  {
    name: 'expect100Continue',
    layer: 'transport',
    description: 'Every POST with a body carries `Expect: 100-continue` and waits for `100 Continue` (up to 1 s) before the body.',
    fieldCase: 'Seen on curl-based agents (curl adds the header for bodies over 1 KiB).',
    options: [],
    schema: noOptions,
  },
  {
    name: 'noCookies',
    layer: 'transport',
    description: 'The CPE ignores Set-Cookie: no Cookie header is ever sent, so a cookie-tracked ACS session is lost.',
    fieldCase: 'Seen on early TR-069 stacks without a cookie jar.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'newConnectionAfter401',
    layer: 'transport',
    description: 'After a 401 challenge the CPE closes the TCP connection and sends its credentials on a new one.',
    fieldCase: 'Seen on gateways that close on any non-2xx; it breaks ACSs that bind a Digest nonce to the connection.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'soapAction',
    layer: 'transport',
    description: 'The SOAPAction header of CPE requests is empty (`SOAPAction:`), or missing from every POST.',
    fieldCase: 'Seen on many gateways: TR-069 only fixes SOAPAction for responses, and some stacks drop it altogether.',
    options: [{ name: 'mode', description: 'empty | missing', default: 'empty' }],
    schema: options({ mode: { enum: ['empty', 'missing'] } }),
    apply: copyOption('mode', 'soapAction'),
  },
  {
    name: 'contentTypeNoCharset',
    layer: 'transport',
    description: 'Content-Type is `text/xml` without a charset parameter.',
    fieldCase: 'Seen on most embedded HTTP clients.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'nullParameterKey',
    layer: 'datamodel',
    description: 'An empty ManagementServer.ParameterKey is read back (and informed) as the string "(null)".',
    fieldCase: 'Seen on gateways that printf("%s") a NULL pointer.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'xsiType',
    layer: 'codec',
    description: 'Parameter values carry an empty `xsi:type=""`, or string values are typed `xsd:json`. Not schema-valid on purpose.',
    fieldCase: 'Seen on mesh Wi-Fi systems that store values as JSON and on stacks with an unset type table.',
    options: [{ name: 'mode', description: 'empty | json', default: 'empty' }],
    schema: options({ mode: { enum: ['empty', 'json'] } }),
    apply: copyOption('mode', 'xsiType'),
  },
  {
    name: 'gpnEmptyPathUnsupported',
    layer: 'rpc',
    description: 'GetParameterNames with an empty ParameterPath is answered with fault 9005 instead of the root.',
    fieldCase: 'Seen on VoIP ATAs with a partial TR-104 implementation.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'batchedGpvFault',
    layer: 'rpc',
    description: 'GetParameterValues naming more than maxNames parameters is answered with a fault (9002 by default).',
    fieldCase: 'Seen on devices with a fixed-size response buffer: the ACS must ask one parameter at a time.',
    options: [
      { name: 'maxNames', description: 'most names answered in one request', default: '1' },
      { name: 'code', description: 'fault code', default: '9002' },
    ],
    schema: options({ maxNames: { type: 'integer', minimum: 1 }, code: faultCode }),
    apply: (o, ctx) => {
      copyOption('maxNames', 'batchedGpvMaxNames')(o, ctx);
      copyOption('code', 'batchedGpvCode')(o, ctx);
    },
  },
  {
    name: 'bodyEncodingStyle',
    layer: 'codec',
    description: 'The SOAP Body carries `soap-env:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"`.',
    fieldCase: 'Seen on SOAP-RPC-era stacks (gSOAP defaults) in older DSL gateways.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'namespacesOnEnvelopeOnly',
    layer: 'session',
    description:
      'The CPE reads namespace declarations only from the Envelope: an ACS message declaring the cwmp namespace on an ' +
      'inner element (Body, method) is answered with fault 9000, as if the method were unknown.',
    fieldCase: 'Seen on CPEs with a string-matching XML reader; ACSs that declare xmlns:cwmp on the method element break them.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'manufacturerNewline',
    layer: 'datamodel',
    description: 'The Inform\'s DeviceId Manufacturer ends with a newline ("Acme\\n").',
    fieldCase: 'Seen on devices reading the vendor name from a file without stripping the line end.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'chunkedRequests',
    layer: 'transport',
    description: 'Request bodies are sent with `Transfer-Encoding: chunked` instead of a Content-Length.',
    fieldCase: 'Seen on devices streaming the envelope as they build it; some ACS front ends reject chunked requests.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'http10',
    layer: 'transport',
    description: 'The CPE speaks HTTP/1.0 and opens a new TCP connection for every request (the session lives on cookies).',
    fieldCase: 'Seen on very old gateways and on HTTP/1.0 proxies in front of CPEs.',
    options: [],
    schema: noOptions,
  },
  {
    name: 'passwordReadBack',
    layer: 'datamodel',
    description: 'Hidden parameters (passwords) are read back in clear text instead of as an empty value.',
    fieldCase: 'Seen on gateways that ignore the data model\'s "hidden" flag (a security finding in audits).',
    options: [],
    schema: noOptions,
  },
  {
    name: 'misreportedTypes',
    layer: 'datamodel',
    description: 'The listed parameters are sent with a wrong xsi:type (a list: xsd:string; a map: path → the type reported).',
    fieldCase: 'Seen on devices that report every counter as a string, or an unsignedInt as an int.',
    options: [{ name: 'paths', description: 'generic parameter paths (list), or a map path → type' }],
    needsOptions: true,
    schema: options(
      { paths: { oneOf: [pathList, { type: 'object', minProperties: 1, additionalProperties: { enum: PARAM_TYPES } }] } },
      ['paths'],
    ),
    apply: (o, ctx) => {
      const paths = o['paths'] as string[] | Record<string, ParamType>;
      const out = new Map<string, ParamType>();
      const entries: [string, ParamType][] = Array.isArray(paths) ? paths.map((p) => [p, 'string']) : Object.entries(paths);
      entries.forEach(([path, type], k) => {
        checkParameter(ctx, path, 'paths', Array.isArray(paths) ? k : path);
        out.set(path, type);
      });
      ctx.init.misreportedTypes = out;
    },
  },
  {
    name: 'misreportedWritability',
    layer: 'datamodel',
    description: 'GetParameterNames reports the listed parameters with the Writable flag inverted.',
    fieldCase: 'Seen on gateways whose capability table is out of step with the real access rights.',
    options: [{ name: 'paths', description: 'generic parameter paths' }],
    needsOptions: true,
    schema: options({ paths: pathList }, ['paths']),
    apply: (o, ctx) => {
      const paths = o['paths'] as string[];
      paths.forEach((p, k) => checkParameter(ctx, p, 'paths', k));
      ctx.init.misreportedWritability = new Set(paths);
    },
  },
  {
    name: 'missingParameters',
    layer: 'datamodel',
    description: 'The listed parameters (or objects, ending in ".") do not exist on the device, although the profile has them.',
    fieldCase: 'Seen on every real device: mandatory parameters of the data model left unimplemented.',
    options: [{ name: 'paths', description: 'generic parameter or object paths' }],
    needsOptions: true,
    schema: options({ paths: pathList }, ['paths']),
    apply: (o, ctx) => {
      const paths = o['paths'] as string[];
      paths.forEach((p, k) => {
        const known = p.endsWith('.') ? ctx.paths.isObject(p) : ctx.paths.parameterType(p) !== undefined;
        if (!known) ctx.fail(`"${p}" is not a parameter or object of the profile`, 'paths', k);
      });
      ctx.init.missingParameters = paths;
    },
  },
  {
    name: 'nonStandardEnums',
    layer: 'datamodel',
    description:
      'The listed parameters report non-standard enum values (`bg`, `b/g` for the standard `b,g`); a SetParameterValues ' +
      'with the non-standard value is accepted as the standard one.',
    fieldCase: 'Seen on Wi-Fi gateways predating TR-181 OperatingStandards lists.',
    options: [{ name: 'values', description: 'map: generic path → { standard value: reported value }' }],
    needsOptions: true,
    schema: options(
      {
        values: {
          type: 'object',
          minProperties: 1,
          additionalProperties: { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'number', 'boolean'] } },
        },
      },
      ['values'],
    ),
    apply: (o, ctx) => {
      const out = new Map<string, ReadonlyMap<string, string>>();
      for (const [path, mapping] of Object.entries(o['values'] as Record<string, Record<string, unknown>>)) {
        checkParameter(ctx, path, 'values', path);
        out.set(path, new Map(Object.entries(mapping).map(([standard, reported]) => [standard, String(reported)])));
      }
      ctx.init.nonStandardEnums = out;
    },
  },
  {
    name: 'slowAnswers',
    layer: 'session',
    description: 'Each answer to an ACS RPC is held back by latency ± jitter (uniform) before it is sent.',
    fieldCase: 'Seen on CPUs busy with traffic: GetParameterValues over a large tree takes seconds.',
    options: [
      { name: 'latency', description: 'added delay', default: '200ms' },
      { name: 'jitter', description: 'uniform ± spread around latency', default: '0ms' },
    ],
    schema: options({ latency: duration, jitter: duration }),
    apply: (o, ctx) => {
      if (o['latency'] !== undefined) ctx.init.slowLatencyMs = durationMs(ctx, o['latency'], 'latency');
      if (o['jitter'] !== undefined) ctx.init.slowJitterMs = durationMs(ctx, o['jitter'], 'jitter');
      if (ctx.init.slowJitterMs > ctx.init.slowLatencyMs) ctx.fail('jitter must not exceed latency', 'jitter');
    },
  },
  {
    name: 'randomFaults',
    layer: 'rpc',
    description: 'Each ACS RPC is answered with fault `code` with probability `rate`.',
    fieldCase: 'Seen on overloaded or flaky firmware: 9002 Internal error now and then.',
    options: [
      { name: 'rate', description: 'probability per RPC, (0, 1]', default: '0.05' },
      { name: 'code', description: 'fault code', default: '9002' },
    ],
    schema: options({ rate: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, code: faultCode }),
    apply: (o, ctx) => {
      copyOption('rate', 'randomFaultRate')(o, ctx);
      copyOption('code', 'randomFaultCode')(o, ctx);
    },
  },
  {
    name: 'neverEndsSession',
    layer: 'session',
    description:
      'After the ACS\'s empty response the CPE does not let the session end: it keeps POSTing empty bodies every ' +
      '`interval` until the ACS closes the connection (or the session deadline).',
    fieldCase: 'Seen on CPEs that misread the end-of-session rule and hold ACS connections open.',
    options: [{ name: 'interval', description: 'pause between the extra empty POSTs', default: '1s' }],
    schema: options({ interval: duration }),
    apply: (o, ctx) => {
      if (o['interval'] !== undefined) ctx.init.neverEndsIntervalMs = durationMs(ctx, o['interval'], 'interval');
    },
  },
  {
    name: 'informRetryForever',
    layer: 'session',
    description:
      'When the ACS answers the Inform with a fault or an HTTP error, the CPE sends the Inform again at once on the same ' +
      'connection (RetryCount + 1), until it gets an InformResponse or the session limits stop it.',
    fieldCase: 'Seen on CPEs that ignore the retry back-off: an ACS fault turns them into an Inform storm.',
    options: [{ name: 'interval', description: 'pause before each repeated Inform', default: '0ms' }],
    schema: options({ interval: duration }),
    apply: (o, ctx) => {
      if (o['interval'] !== undefined) ctx.init.informRetryIntervalMs = durationMs(ctx, o['interval'], 'interval');
    },
  },
];

const BY_NAME: ReadonlyMap<string, QuirkDefinition> = new Map(DEFINITIONS.map((d) => [d.name, d]));
const VALIDATORS = new Map(DEFINITIONS.map((d) => [d.name, ajv.compile(d.schema)]));

/** The catalogue in documentation order: name, layer, description, field case, options. */
export function quirkCatalogue(): readonly QuirkDoc[] {
  return DEFINITIONS.map(({ name, layer, description, fieldCase, options: opts }) => ({ name, layer, description, fieldCase, options: opts }));
}

/** The names of the quirks a compiled set has on, in catalogue order (for `cpesim profile show`). */
export function activeQuirks(quirks: QuirkSet): QuirkName[] {
  return DEFINITIONS.filter((d) => quirks.has(QUIRK[d.name])).map((d) => d.name);
}

/** The `quirks:` field of a profile as written (after the structural check: a map or null). */
export type RawQuirks = Record<string, unknown> | null | undefined;

/**
 * Checks and compiles a profile's `quirks:` map. `where` locates errors (field `quirks.<name>[.<option>]`);
 * `paths` resolves the generic paths options name.
 */
export function compileQuirks(raw: RawQuirks, where: Pick<YamlFile, 'error'>, paths: QuirkPathLookup): QuirkSet {
  if (raw === undefined || raw === null || Object.keys(raw).length === 0) return NO_QUIRKS;
  const init: QuirkSetInit = { ...DEFAULT_QUIRK_OPTIONS };
  for (const [name, value] of Object.entries(raw)) {
    const def = BY_NAME.get(name);
    if (def === undefined) throw where.error(`unknown quirk "${name}" (see the "Vendor quirks" table in the README)`, ['quirks', name]);
    const fail = (message: string, ...field: (string | number)[]): never => {
      throw where.error(`quirk ${name}: ${message}`, ['quirks', name, ...field]);
    };
    if (value === false) continue;
    const isMap = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (value !== true && !isMap) fail('must be true, false or a map of options');
    if (value === true && def.needsOptions) fail(`needs options: ${def.options.map((o) => o.name).join(', ')}`);
    const opts: Options = isMap ? (value as Options) : {};
    const validate = VALIDATORS.get(def.name)!;
    if (!validate(opts)) {
      const err = validate.errors![0]!;
      const params = err.params as Record<string, unknown>;
      const field = err.instancePath.split('/').slice(1);
      if (err.keyword === 'additionalProperties') fail(`unknown option "${String(params['additionalProperty'])}"`, ...field, String(params['additionalProperty']));
      if (err.keyword === 'required') fail(`missing option "${String(params['missingProperty'])}"`, ...field);
      if (err.keyword === 'enum') fail(`must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, ...field);
      fail(err.message ?? 'invalid option', ...field);
    }
    def.apply?.(opts, { init, paths, fail });
    init.flags |= QUIRK[def.name];
  }
  return init.flags === 0 ? NO_QUIRKS : new QuirkSet(init);
}
