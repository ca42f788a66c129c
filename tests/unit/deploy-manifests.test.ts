import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { metrics, registerQueueDepth } from '../../app/metrics.ts';
import { STAGES } from '../../pipeline/stages.ts';
import { ROOT, loadConfig } from '../../schemas/config.ts';

/** Every object in deploy/k8s, validated against the Kubernetes (1.27) and KEDA JSON schemas of kubernetes-models. */
const dir = path.join(ROOT, 'deploy', 'k8s');
const objects = readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
  parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => {
    expect(d.errors, f).toEqual([]);
    return { file: f, obj: d.toJSON() as { apiVersion: string; kind: string; metadata: { name: string }; spec?: never; data?: Record<string, string> } };
  }));
const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment, 'v1/Service': Service, 'v1/ConfigMap': ConfigMap,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};
const of = <T>(kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj as unknown as T);

interface Container {
  name: string; args: string[]; ports: Array<{ name: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>; env?: Array<{ name: string; value: string }>;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe: { httpGet: { path: string; port: string } }; readinessProbe: { httpGet: { path: string; port: string } };
}
interface DeploymentSpec { metadata: { name: string }; spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } } }

describe('deployment manifests (deploy/k8s)', () => {
  it('are valid Kubernetes and KEDA objects', () => {
    expect(objects.length).toBeGreaterThanOrEqual(8);
    for (const { file, obj } of objects) {
      const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(Model, `${file}: ${obj.apiVersion} ${obj.kind} has no schema here`).toBeDefined();
      expect(() => new Model!(obj as never).validate(), `${file}: ${obj.kind} ${obj.metadata.name}`).not.toThrow();
    }
  });

  it('a schema error is caught (the check can fail)', () => {
    const bad = structuredClone(of<DeploymentSpec>('Deployment')[0]!) as unknown as { spec: { replicas: unknown } };
    bad.spec.replicas = 'two';
    expect(() => new Deployment(bad as never).validate()).toThrow();
  });

  it('give every container requests and a memory limit, and probe the operations endpoints the process serves', () => {
    const config = of<{ data: Record<string, string> }>('ConfigMap')[0]!.data;
    for (const d of of<DeploymentSpec>('Deployment')) {
      expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
      for (const c of d.spec.template.spec.containers) {
        expect(c.resources.requests.cpu, d.metadata.name).toBeDefined();
        expect(c.resources.requests.memory, d.metadata.name).toBeDefined();
        expect(c.resources.limits.memory, d.metadata.name).toBeDefined();
        const ops = c.ports.find((p) => p.name === 'ops')!;
        expect(ops.containerPort).toBe(Number(config.OPS_PORT));
        expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'ops' });
        expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'ops' });
        expect(c.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual(['intake-config', 'intake-secrets']);
      }
    }
    // The services listen on all interfaces in a pod, so the kubelet can probe and Prometheus scrape.
    expect(config.OPS_HOST).toBe('0.0.0.0');
    expect(config.API_HOST).toBe('0.0.0.0');
  });

  it('run commands the CLI has, and between them every stage and the deviation sweep', () => {
    const taken = new Set<string>();
    let sweeps = 0;
    for (const d of of<DeploymentSpec>('Deployment')) {
      const [cmd, ...rest] = d.spec.template.spec.containers[0]!.args;
      expect(['api', 'worker']).toContain(cmd);
      if (cmd !== 'worker') continue;
      const stages = rest[rest.indexOf('--stages') + 1]!.split(',');
      for (const s of stages) expect(STAGES).toContain(s);
      stages.forEach((s) => taken.add(s));
      if (rest.includes('--sweep')) sweeps++;
    }
    expect([...taken].sort()).toEqual([...STAGES].sort());
    expect(sweeps).toBe(1);
  });

  it('hold configuration the application accepts, with no unknown names', () => {
    const data = of<{ data: Record<string, string> }>('ConfigMap')[0]!.data;
    // What the Secret provides in production (oidc and PDL need these).
    const secrets = { AUTH_ISSUER: 'https://login.example/', AUTH_AUDIENCE: 'intake', AUTH_JWKS_URL: 'https://login.example/jwks', PDL_URL: 'https://pdl.example/graphql', SKJERMING_URL: 'https://skjerming.example/' };
    const config = loadConfig({ ...data, ...secrets }, { fresh: true });
    for (const [k, v] of Object.entries(data)) expect(String(config[k as keyof typeof config]), k).toBe(v);
    for (const d of of<DeploymentSpec>('Deployment')) {
      for (const e of d.spec.template.spec.containers[0]!.env ?? []) expect(Object.keys(config)).toContain(e.name);
    }
  });

  it('scale the workers on queue depth the workers export, and the API on CPU', async () => {
    const deployments = new Set(of<DeploymentSpec>('Deployment').map((d) => d.metadata.name));
    const m = metrics();
    registerQueueDepth(m, async () => ({}));
    const names = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const scaled = of<{ spec: { scaleTargetRef: { name: string }; minReplicaCount: number; maxReplicaCount: number; triggers: Array<{ type: string; metadata: { query: string; threshold: string } }> } }>('ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(['intake-worker', 'intake-worker-ocr']);
    for (const s of scaled) {
      expect(deployments.has(s.spec.scaleTargetRef.name)).toBe(true);
      expect(s.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(s.spec.maxReplicaCount).toBeGreaterThan(s.spec.minReplicaCount);
      for (const t of s.spec.triggers) {
        expect(t.type).toBe('prometheus');
        const metric = /(intake_[a-z_]+)\{/.exec(t.metadata.query)![1]!;
        expect(names.has(metric), metric).toBe(true);
        const stages = /stage=~"([^"]+)"/.exec(t.metadata.query)![1]!.split('|');
        for (const st of stages) expect(STAGES).toContain(st);
        expect(Number(t.metadata.threshold)).toBeGreaterThan(0);
      }
    }
    const hpa = of<{ spec: { scaleTargetRef: { name: string } } }>('HorizontalPodAutoscaler');
    expect(hpa.map((h) => h.spec.scaleTargetRef.name)).toEqual(['intake-api']);
  });
});
