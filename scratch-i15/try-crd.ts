import { startFakeKube } from '../test/support/fake-kube/index.js';
import { runKubectl } from '../test/support/fake-kube/run-kubectl.js';
const fake = await startFakeKube({ readyDelayMs: 10 });
fake.createCustomObject('applications', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'kaizen', namespace: 'argocd' }, spec: { project: 'default', syncPolicy: { automated: { prune: true, selfHeal: true } } } });
fake.createCustomObject('kustomizations', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: { interval: '1m', path: './apps', prune: true } });
for (const args of [['get','applications','-A'],['get','app','kaizen','-n','argocd','-o','json'],['get','ks','-n','flux-system'],['patch','kustomization','apps','-n','flux-system','--type','merge','-p','{"spec":{"suspend":true}}'],['get','kustomizations.kustomize.toolkit.fluxcd.io','apps','-n','flux-system','-o','jsonpath={.spec.suspend}'],['patch','application','kaizen','-n','argocd','-p','{"spec":{"project":"x"}}'], ['api-resources','--api-group','argoproj.io']]) {
  const r = await runKubectl(fake, args);
  console.log(args.join(' '), '=>', r.exitCode, r.stdout.slice(0,400), r.stderr.slice(0,300));
}
await fake.close();
