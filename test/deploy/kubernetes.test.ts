/**
 * deploy/kubernetes/: every manifest validated against the Kubernetes OpenAPI schemas (kubernetes-models), and the
 * cross-references a schema cannot see: names used by the Jobs exist, the shard Job's N is the same everywhere,
 * and its args are a command line cpesim's real CLI accepts. No cluster is needed.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, PersistentVolumeClaim, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { parseStartAt } from '../../src/cli/shard-flags.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { loadScenarioFile } from '../../src/scenario/load-scenario.js';
import { runCli, tempDir } from '../support/cli.js';

const DIR = join(PACKAGE_ROOT, 'deploy', 'kubernetes');

// The kinds the deployment may use (core and batch APIs only: nothing needs a CRD installed).
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'batch/v1/Job': Job,
};

// Loose views of the parsed YAML: the schema validation above is what vouches for the shapes.
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
type Env = { name: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } };

function validate(doc: Obj): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  assert.ok(Model, `${doc.apiVersion} ${doc.kind} is not a kind the deployment may use`);
  new Model(doc as never).validate();
}

async function loadManifests(): Promise<Map<string, Obj[]>> {
  const files = new Map<string, Obj[]>();
  for (const name of (await readdir(DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    const docs = parseAllDocuments(await readFile(join(DIR, name), 'utf8'));
    for (const d of docs) assert.deepEqual(d.errors, [], `${name}: YAML errors`);
    files.set(name, docs.map((d) => d.toJS() as Obj).filter((o) => o !== null));
  }
  return files;
}

function byKind(all: Obj[], kind: string, name: string): Obj {
  const found = all.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `no ${kind} named ${name}`);
  return found;
}

/** The long options a cpesim subcommand's --help lists. */
async function cliFlags(command: string): Promise<Set<string>> {
  const help = await runCli([command, '--help'], { timeoutMs: 30_000 });
  assert.equal(help.code, 0, help.stderr);
  return new Set(help.stdout.match(/--[a-z][a-z-]*/g) ?? []);
}

test('every manifest passes the Kubernetes schema; the validator rejects a broken Job; the kustomization lists what exists', async () => {
  const files = await loadManifests();
  const all = [...files.values()].flat();
  assert.ok(all.length >= 6, `expected the deployment's objects, got ${all.length}`);
  for (const doc of all) {
    validate(doc);
    assert.equal(doc.metadata.namespace, undefined, `${doc.kind} ${doc.metadata.name}: keep the manifests namespace-agnostic`);
  }
  // The validation can fail: a wrong type and a wrong enum value are caught.
  const job = byKind(all, 'Job', 'cpesim-shards');
  assert.throws(() => validate({ ...job, spec: { ...job.spec, completions: '10' } }), /completions must be integer/);
  assert.throws(() => validate({ ...job, spec: { ...job.spec, completionMode: 'Sharded' } }), /completionMode/);

  const kustomization = parseAllDocuments(await readFile(join(DIR, 'kustomization.yaml'), 'utf8')).map((d) => d.toJS());
  assert.equal(kustomization.length, 1);
  const resources: string[] = kustomization[0].resources;
  for (const r of resources) assert.ok(files.has(r), `kustomization lists ${r}, which is not in deploy/kubernetes/`);
  // Everything but the merge Job starts together; the merge Job must wait for the shards.
  assert.deepEqual(new Set(resources), new Set([...files.keys()].filter((f) => f !== 'job-merge.yaml')));
});

test('the shard Job: Indexed, N everywhere the same, one shard per node, names it uses exist, args accepted by the real CLI', async () => {
  const all = [...(await loadManifests()).values()].flat();
  const job = byKind(all, 'Job', 'cpesim-shards');
  const spec = job.spec;
  assert.equal(spec.completionMode, 'Indexed');
  const n: number = spec.completions;
  assert.equal(spec.parallelism, n, 'all shards must run at once');
  const pod = spec.template.spec;
  const podLabels: Record<string, string> = spec.template.metadata.labels;
  const [container] = pod.containers;
  const args: string[] = container.args;
  const env: Env[] = container.env;

  // --shard I/N with I the completion index, exposed through the documented annotation.
  assert.equal(args[args.indexOf('--shard') + 1], `$(JOB_COMPLETION_INDEX)/${n}`);
  const index = env.find((e) => e.name === 'JOB_COMPLETION_INDEX');
  assert.equal(index?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  // Kubernetes expands $(VAR) only for variables declared in env: an undeclared one would stay literal.
  for (const ref of args.join(' ').matchAll(/\$\(([A-Z_]+)\)/g)) {
    assert.ok(env.some((e) => e.name === ref[1]), `args use $(${ref[1]}), not declared in env`);
  }

  // One shard per node.
  const anti = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  assert.equal(anti.length, 1);
  assert.equal(anti[0].topologyKey, 'kubernetes.io/hostname');
  for (const [k, v] of Object.entries(anti[0].labelSelector.matchLabels)) assert.equal(podLabels[k], v, `anti-affinity label ${k}`);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(container.resources.requests.cpu && container.resources.limits.memory, 'requests and limits');

  // Referenced names exist: ConfigMaps (and their keys), the PVC (ReadWriteMany: every shard writes to it).
  for (const e of env) {
    const ref = e.valueFrom?.configMapKeyRef;
    if (ref) assert.ok(ref.key in (byKind(all, 'ConfigMap', ref.name).data ?? {}), `ConfigMap ${ref.name} has no key ${ref.key}`);
  }
  const volumes: { name: string; configMap?: { name: string; items: { key: string; path: string }[] }; persistentVolumeClaim?: { claimName: string } }[] = pod.volumes;
  const scenarioVolume = volumes.find((v) => v.configMap)!;
  const scenarioMap = byKind(all, 'ConfigMap', scenarioVolume.configMap!.name);
  for (const item of scenarioVolume.configMap!.items) assert.ok(item.key in scenarioMap.data, `ConfigMap has no key ${item.key}`);
  const claim = volumes.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!.claimName;
  assert.deepEqual(byKind(all, 'PersistentVolumeClaim', claim).spec.accessModes, ['ReadWriteMany']);

  // The metrics Service selects the shard pods, on the port the container names and --metrics-port serves.
  const service = byKind(all, 'Service', 'cpesim-metrics');
  for (const [k, v] of Object.entries(service.spec.selector as Record<string, string>)) assert.equal(podLabels[k], v, `Service selector ${k}`);
  const metricsPort = container.ports.find((p: { name: string }) => p.name === service.spec.ports[0].targetPort);
  assert.equal(String(metricsPort.containerPort), args[args.indexOf('--metrics-port') + 1]);

  // The merge Job: same PVC, exactly the N shard folders the shard Job writes.
  const merge = byKind(all, 'Job', 'cpesim-merge');
  const mergePod = merge.spec.template.spec;
  assert.equal(mergePod.volumes[0].persistentVolumeClaim.claimName, claim);
  const mergeArgs: string[] = mergePod.containers[0].args;
  const outPattern = args[args.indexOf('--out') + 1];
  assert.deepEqual(mergeArgs.slice(1, 1 + n), Array.from({ length: n }, (_, i) => outPattern.replace('$(JOB_COMPLETION_INDEX)', String(i))));
  assert.equal(mergeArgs[0], 'merge');

  // Every flag exists in the CLI (yargs is strict: an unknown one would stop the pod at once).
  const runFlags = await cliFlags('run');
  for (const a of args.filter((x) => x.startsWith('--'))) assert.ok(runFlags.has(a), `cpesim run has no ${a}`);
  const mergeFlags = await cliFlags('merge');
  for (const a of mergeArgs.filter((x) => x.startsWith('--'))) assert.ok(mergeFlags.has(a), `cpesim merge has no ${a}`);

  // The real CLI with the pod's values substituted gets past flags, scenario and --shard, and stops only at a
  // start-at in the past (exit 2, nothing run). The ConfigMap's own start-at is an ISO instant with a zone.
  const dir = await tempDir('cpesim-k8s-');
  try {
    const scenarioFile = join(dir, 'scenario.yaml');
    await writeFile(scenarioFile, scenarioMap.data['scenario.yaml']);
    const runMap = byKind(all, 'ConfigMap', 'cpesim-run');
    const values: Record<string, string> = {
      JOB_COMPLETION_INDEX: String(n - 1),
      POD_IP: '127.0.0.1',
      CPU_LIMIT: '1',
      ACS_URL: runMap.data['acs-url'],
      START_AT: '2000-01-01T00:00:00Z',
    };
    const argv = args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, v: string) => values[v]!).replace('/scenario/scenario.yaml', scenarioFile).replace(/^\/results/, dir));
    assert.doesNotThrow(() => parseStartAt(runMap.data['start-at'], 0));
    const res = await runCli(argv, { timeoutMs: 30_000 });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /in the past/);

    // The scenario is the README's 1,000,000-CPE recipe, valid for cpesim.
    const scenario = await loadScenarioFile(scenarioFile);
    assert.equal(scenario.fleet.reduce((s, g) => s + g.count, 0), 1_000_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
