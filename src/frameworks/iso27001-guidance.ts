/**
 * Annexa's own guidance per ISO/IEC 27001:2022 Annex A control: ISO/IEC 27002:2022 attribute values,
 * what the control means in a Kubernetes estate, what automated checks can evidence (the mapping
 * rationale) and what stays a person's record. Written for Annexa; no text of the standards.
 *
 * `attributes` is compact, all five ISO/IEC 27002:2022 attribute types:
 * "control types|properties|concepts|operational capabilities|security domains", e.g. `P,D|CIA|Pr,De|SysNet|P`
 * (P preventive, D detective, C corrective; C/I/A; Id identify, Pr protect, De detect, Rs respond, Rc recover;
 * capability and domain codes in iso27001.ts). test/data/iso27002-attributes.tsv is the table they are checked against.
 * `coverage` is our judgement of how much of the control the mapped checks can evidence when any
 * check maps to it: `full` only where the manifest/cluster configuration is the whole control.
 */

export interface ControlGuidance {
  attributes: string;
  kubernetes: string;
  /** What mapped checks evidence and why they belong to this control; absent where no check should map. */
  automated?: string;
  /** The record a person keeps (always needed unless coverage is full). */
  manual: string;
  coverage?: 'full' | 'partial';
}

const PHYSICAL_MANUAL = 'For cloud or colocation hosting: the provider\'s current certification or attestation report covering this control, reviewed yearly. For on-premises clusters: the site\'s own records for it.';

function physical(kubernetes: string, attributes: string): ControlGuidance {
  return { attributes, kubernetes, manual: PHYSICAL_MANUAL };
}

export const GUIDANCE: Readonly<Record<string, ControlGuidance>> = {
  'A.5.1': {
    attributes: 'P|CIA|Id|Gov|G,R',
    kubernetes: 'The container platform needs written security rules (pod security level, trusted registries, network isolation, access model) before they can be enforced as checks and admission policies.',
    manual: 'Approved information security policy and a container-platform topic policy, with owner, approval date and review date.',
  },
  'A.5.2': {
    attributes: 'P|CIA|Id|Gov|G,P,R',
    kubernetes: 'Platform team, namespace owners, cluster-admin holders and the security function each need defined duties for the clusters; annexa.yaml `owners` names the owner of each control.',
    manual: 'Role descriptions or a RACI for platform, application and security roles; `owners` entries in annexa.yaml.',
  },
  'A.5.3': {
    attributes: 'P|CIA|Pr|Gov,IAM|G',
    kubernetes: 'No single identity should both change production workloads and grant access: RBAC rights to bind, escalate or impersonate let one subject give itself any role, and CI deploy identities should differ from human administrators.',
    automated: '`rbac.cluster-admin-binding`, `rbac.escalation-verbs`, `rbac.csr-approval` and `rbac.admission-config` flag subjects that can grant themselves further rights or change the rules that judge them, where duties collapse into one identity. They show the technical side only: who deploys and who approves is not in the manifests.',
    manual: 'Documented separation of who deploys, who approves changes and who administers the cluster, and a review of conflicting role assignments.',
    coverage: 'partial',
  },
  'A.5.4': {
    attributes: 'P|CIA|Id|Gov|G',
    kubernetes: 'Engineering managers make teams follow the platform policy, for example by requiring a clean scan before a release.',
    manual: 'Evidence that management requires and follows up compliance (release criteria, management review minutes).',
  },
  'A.5.5': {
    attributes: 'P,C|CIA|Id,Pr,Rs,Rc|Gov|D,R',
    kubernetes: 'A cluster breach involving personal data or regulated services may need to be notified to authorities within fixed deadlines.',
    manual: 'List of authorities and regulators, who contacts them and when.',
  },
  'A.5.6': {
    attributes: 'P,C|CIA|Pr,Rs,Rc|Gov|D',
    kubernetes: 'Following the Kubernetes security announcements, the distribution\'s advisories and cloud-native security communities keeps the platform team aware of new attack techniques.',
    manual: 'Subscriptions and memberships (security announcement lists, vendor advisories) and who follows them.',
  },
  'A.5.7': {
    attributes: 'P,D,C|CIA|Id,De,Rs|TVM|D,R',
    kubernetes: 'Threats specific to clusters (exposed dashboards, cryptomining through privileged pods, poisoned images, stolen service account tokens) should feed new checks and policies.',
    manual: 'Threat intelligence sources and a record of how they led to new policies or checks.',
  },
  'A.5.8': {
    attributes: 'P|CIA|Id,Pr|Gov|G,P',
    kubernetes: 'New services and platform changes include security requirements (namespace, network policy, pod security level) from the start of the project.',
    manual: 'Project templates or records showing security requirements and their review.',
  },
  'A.5.9': {
    attributes: 'P|CIA|Id|Asset|G,P',
    kubernetes: 'Clusters, namespaces, workloads, images, service accounts and secrets are the assets of the estate; manifests in Git and the live API are the authoritative inventory.',
    manual: 'Asset register linking clusters and namespaces to owners and to the classification of the information they hold.',
  },
  'A.5.10': {
    attributes: 'P|CIA|Pr|Asset,Info|G,P',
    kubernetes: 'Rules for engineers on using cluster access, shared namespaces and debugging tools (for example no ad-hoc exec into production pods).',
    manual: 'Acceptable use rules acknowledged by everyone with cluster access.',
  },
  'A.5.11': {
    attributes: 'P|CIA|Pr|Asset|P',
    kubernetes: 'Leavers return devices and lose their kubeconfigs, client certificates, tokens and registry credentials.',
    manual: 'Offboarding checklist records showing credentials revoked and devices returned.',
  },
  'A.5.12': {
    attributes: 'P|CIA|Id|Info|P,D',
    kubernetes: 'Namespaces and data stores are classified so that isolation, encryption and access follow the classification.',
    manual: 'Classification scheme and the classification assigned to each namespace and data store.',
  },
  'A.5.13': {
    attributes: 'P|CIA|Pr|Info|D,P',
    kubernetes: 'Labels and annotations can carry the classification on namespaces and workloads, so that policies and network rules can select on it.',
    manual: 'Labelling procedure stating which labels carry which classification.',
  },
  'A.5.14': {
    attributes: 'P|CIA|Pr|Asset,Info|P',
    kubernetes: 'Data moves between services, to external endpoints and to registries; in-cluster that means TLS on Ingress, encrypted service-to-service traffic and restricted egress.',
    automated: '`network.ingress-tls` flags Ingresses that accept traffic without TLS, one in-cluster transfer channel. Transfer rules and agreements with external parties are not visible in manifests.',
    manual: 'Transfer rules and agreements for exchanges with external parties.',
    coverage: 'partial',
  },
  'A.5.15': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'RBAC rules for the API, admission control for what may be created, and NetworkPolicies for traffic together implement access control in a cluster.',
    automated: 'RBAC checks (`rbac.anonymous-access`, `rbac.cluster-admin-binding`, `rbac.wildcard-rules`, `rbac.secrets-read`, `rbac.kube-system-workloads`, `rbac.serviceaccount-token`, `rbac.dangling-binding`) evidence whether the API access rules in the scanned Roles and bindings follow least privilege; `workload.system-namespace` and `workload.default-namespace` show workloads placed where namespace-scoped rules cannot separate them. They need RBAC objects in the input: without them the RBAC checks are not evaluated and the control is at most partial. `rbac.default-serviceaccount-automount` adds evidence of the same.',
    manual: 'Access control policy and the decision records for who holds which cluster roles.',
    coverage: 'partial',
  },
  'A.5.16': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'People authenticate through the identity provider and are bound via groups; each workload runs under its own ServiceAccount instead of sharing `default`.',
    automated: '`workload.default-service-account` shows workloads sharing the namespace default identity and `workload.deprecated-service-account-field` identities named through a deprecated field. Human identities live in the identity provider, outside the manifests. `rbac.undefined-serviceaccount` adds evidence of the same.',
    manual: 'Joiner, mover and leaver process for cluster identities and the identity provider configuration.',
    coverage: 'partial',
  },
  'A.5.17': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'Passwords, tokens and keys belong in Secrets or an external secret store, never as literal environment values, in ConfigMaps or in images; service account tokens are mounted only where a pod calls the API.',
    automated: '`secrets.credential-in-env` and `secrets.configmap-credentials` find credentials written into manifests; `secrets.secret-key-ref-env` and `secrets.secret-env-from` show Secrets exposed as environment variables; `workload.automount-token-enabled` and `workload.automount-token` show service account tokens mounted where a pod may not need them. Rotation and the secret store are not visible. `secrets.literal-secret` adds evidence of the same.',
    manual: 'Secret handling and rotation procedure and the external secret store configuration.',
    coverage: 'partial',
  },
  'A.5.18': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'RoleBindings and ClusterRoleBindings are granted, reviewed and removed; stale bindings and over-broad roles are the usual drift.',
    automated: '`rbac.cluster-admin-binding`, `rbac.wildcard-rules` and `rbac.escalation-verbs` show over-broad rights to review; `rbac.dangling-binding` and `rbac.unused-role` show stale grants; `workload.default-service-account` shows workloads without their own identity. A scan is an input to the periodic access review, not the review itself. `rbac.undefined-serviceaccount` adds evidence of the same.',
    manual: 'Periodic access review records for RoleBindings and ClusterRoleBindings, with the removals made.',
    coverage: 'partial',
  },
  'A.5.19': {
    attributes: 'P|CIA|Id|Supp|G,P',
    kubernetes: 'Managed Kubernetes providers, registries, base-image publishers and operators installed from third parties are suppliers of the estate.',
    manual: 'Supplier list with the security requirements and risk assessment for each.',
  },
  'A.5.20': {
    attributes: 'P|CIA|Id|Supp|G,P',
    kubernetes: 'Contracts with the cloud or managed Kubernetes provider state security duties (patching of control plane, incident notification, data location).',
    manual: 'Supplier agreements with their security clauses.',
  },
  'A.5.21': {
    attributes: 'P|CIA|Id|Supp|G,P',
    kubernetes: 'Images and charts are the software supply chain: they should come from trusted registries, be pinned by digest and be verified before they run.',
    automated: '`images.allowed-registries` (with `checks.allowedRegistries` set) and `images.digest-pinning` evidence which image sources are allowed and that the running build is fixed. Signature or SBOM verification is not checked.',
    manual: 'Assessment of image publishers and the signature or SBOM verification process.',
    coverage: 'partial',
  },
  'A.5.22': {
    attributes: 'P|CIA|Id|Supp,Assur|G,P,D',
    kubernetes: 'Provider changes (Kubernetes version deprecations, managed add-on updates) are monitored and their security impact assessed.',
    manual: 'Supplier review records and tracked provider change notices.',
  },
  'A.5.23': {
    attributes: 'P|CIA|Pr|Supp|G,P',
    kubernetes: 'With a managed control plane, the shared-responsibility model decides which cluster settings are the provider\'s and which are yours.',
    manual: 'Cloud service usage policy and the provider\'s shared-responsibility matrix for the Kubernetes service.',
  },
  'A.5.24': {
    attributes: 'C|CIA|Rs,Rc|Gov,Event|D',
    kubernetes: 'Incident plans cover cluster cases: a compromised pod, a leaked service account token or kubeconfig, a malicious image, a node to isolate.',
    manual: 'Incident management plan and Kubernetes runbooks, with roles and contact paths.',
  },
  'A.5.25': {
    attributes: 'D|CIA|De,Rs|Event|D',
    kubernetes: 'Someone decides whether a scan finding, an audit log event or a runtime alert is a security incident.',
    manual: 'Triage criteria and the event log with decisions taken.',
  },
  'A.5.26': {
    attributes: 'C|CIA|Rs,Rc|Event|D',
    kubernetes: 'Containment in a cluster: quarantine NetworkPolicy, cordon and drain nodes, revoke tokens, redeploy from known-good images.',
    manual: 'Incident records showing response steps and closure.',
  },
  'A.5.27': {
    attributes: 'P|CIA|Id,Pr|Event|D',
    kubernetes: 'Lessons from incidents become new checks or custom policies, so the same misconfiguration is rejected at admission next time.',
    manual: 'Post-incident reviews and the resulting changes to policies or checks.',
  },
  'A.5.28': {
    attributes: 'C|CIA|De,Rs|Event|D',
    kubernetes: 'Pods and nodes are short-lived: audit logs, pod specs, image digests and node snapshots must be preserved with integrity before they disappear.',
    manual: 'Evidence collection procedure for clusters and the chain-of-custody records.',
  },
  'A.5.29': {
    attributes: 'P,C|CIA|Pr,Rs|Cont|P,R',
    kubernetes: 'During an outage or failover the cluster keeps its security settings (admission, network policies, RBAC) rather than being opened up to restore service.',
    manual: 'Continuity plans that state which security controls stay in force during disruption.',
  },
  'A.5.30': {
    attributes: 'C|A|Rs|Cont|R',
    kubernetes: 'Clusters can be rebuilt from manifests (GitOps), control planes span zones and restores of etcd and volumes are tested against recovery objectives.',
    manual: 'Recovery objectives and disaster recovery exercise records.',
  },
  'A.5.31': {
    attributes: 'P|CIA|Id|Legal|G,P',
    kubernetes: 'Legal and contractual requirements (data residency, sector rules) constrain where clusters run and how data in them is handled.',
    manual: 'Register of legal, regulatory and contractual requirements and how they are met.',
  },
  'A.5.32': {
    attributes: 'P|CIA|Id|Legal|G',
    kubernetes: 'Software in images carries licences; base images and bundled packages must be used within their terms.',
    manual: 'Licence inventory of images (for example from SBOMs) and its review.',
  },
  'A.5.33': {
    attributes: 'P|CIA|Id,Pr|Legal,Asset,Info|D',
    kubernetes: 'Audit logs, scan results and the evidence kept for audits are records: retained for the required period, access-restricted and tamper-evident.',
    manual: 'Retention schedule and protection of records (including where Annexa evidence is stored).',
  },
  'A.5.34': {
    attributes: 'P|CIA|Id,Pr|Info,Legal|P',
    kubernetes: 'Workloads processing personal data are identified, isolated and kept out of logs and test environments.',
    manual: 'Records of processing and privacy impact assessments for services running in the clusters.',
  },
  'A.5.35': {
    attributes: 'P,C|CIA|Id,Pr|Assur|G',
    kubernetes: 'An independent party (internal audit, penetration testers, external auditors) reviews the platform; Annexa reports are an input to that review, not a substitute.',
    manual: 'Independent review reports and follow-up of their findings.',
  },
  'A.5.36': {
    attributes: 'P|CIA|Id,Pr|Legal,Assur|G',
    kubernetes: 'Regularly verifying that clusters meet the platform policy is what continuous scanning does; owners follow up what it finds.',
    manual: 'Records of compliance reviews by control owners and of the corrective actions they raised.',
  },
  'A.5.37': {
    attributes: 'P,C|CIA|Pr,Rc|Asset,Phys,SysNet,App,Conf,IAM,TVM,Cont,Event|G,P,D',
    kubernetes: 'Cluster upgrades, certificate rotation, node replacement and restore are written runbooks, not tribal knowledge.',
    manual: 'Operating procedures for the platform, with owners and review dates.',
  },
  'A.6.1': {
    attributes: 'P|CIA|Pr|HR|G',
    kubernetes: 'People who receive cluster-admin or production access are screened according to the risk of that access.',
    manual: 'Screening records for staff and contractors with production cluster access.',
  },
  'A.6.2': {
    attributes: 'P|CIA|Pr|HR|G',
    kubernetes: 'Employment and contractor terms cover responsibilities that come with production cluster access.',
    manual: 'Signed terms and conditions including security responsibilities.',
  },
  'A.6.3': {
    attributes: 'P|CIA|Pr|HR|G',
    kubernetes: 'Engineers learn to write secure manifests, handle secrets and read scan findings; Annexa remediation text supports this but does not replace training.',
    manual: 'Training plan and attendance records for platform and application engineers.',
  },
  'A.6.4': {
    attributes: 'P,C|CIA|Pr,Rs|HR|G',
    kubernetes: 'Deliberate circumvention of cluster controls (disabling admission, sharing admin credentials) has defined consequences.',
    manual: 'Disciplinary process and records of its application.',
  },
  'A.6.5': {
    attributes: 'P|CIA|Pr|HR,Asset|G',
    kubernetes: 'When someone changes role, their cluster bindings change with it; confidentiality duties continue after they leave.',
    manual: 'Role-change and leaver records showing access adjusted.',
  },
  'A.6.6': {
    attributes: 'P|C|Pr|HR,Info,Supp|G',
    kubernetes: 'People and suppliers with access to cluster data and secrets sign confidentiality agreements.',
    manual: 'Signed confidentiality or non-disclosure agreements.',
  },
  'A.6.7': {
    attributes: 'P|CIA|Pr|Asset,Info,Phys,SysNet|P',
    kubernetes: 'Remote kubectl access goes through SSO, VPN or an access proxy from managed devices, with no long-lived admin kubeconfigs on laptops.',
    manual: 'Remote working rules and the remote access configuration for the clusters.',
  },
  'A.6.8': {
    attributes: 'D|CIA|De|Event|D',
    kubernetes: 'Engineers have a simple channel to report suspicious cluster behaviour (unknown pods, unexpected bindings).',
    manual: 'Reporting channel and the events reported through it.',
  },
  'A.7.1': physical('Data centres hosting nodes and control planes need secured perimeters; for managed clusters this is the provider\'s duty.', 'P|CIA|Pr|Phys|P'),
  'A.7.2': physical('Entry to data centre halls with cluster hardware is controlled; cloud users inherit this from the provider.', 'P|CIA|Pr|Phys,IAM|P'),
  'A.7.3': physical('Rooms holding on-premises cluster hardware or consoles are secured; inherited for cloud hosting.', 'P|CIA|Pr|Phys,Asset|P'),
  'A.7.4': physical('Premises with cluster hardware are monitored for unauthorized physical access.', 'P,D|CIA|Pr,De|Phys|P,D'),
  'A.7.5': physical('Hosting sites are protected against fire, flood and other environmental threats; spreading nodes over zones limits the impact.', 'P|CIA|Pr|Phys|P'),
  'A.7.6': physical('Rules for working in data centre areas apply to staff servicing on-premises nodes.', 'P|CIA|Pr|Phys|P'),
  'A.7.7': physical('Screens and desks of people with cluster access do not expose kubeconfigs, tokens or dashboards.', 'P|C|Pr|Phys|P'),
  'A.7.8': physical('Node hardware is sited and protected against damage and unauthorized access.', 'P|CIA|Pr|Phys,Asset|P'),
  'A.7.9': physical('Laptops and edge nodes outside the premises that hold cluster credentials or data are protected.', 'P|CIA|Pr|Phys,Asset|P'),
  'A.7.10': physical('Disks of nodes and storage arrays backing persistent volumes are handled and tracked.', 'P|CIA|Pr|Phys,Asset|P'),
  'A.7.11': physical('Power and cooling for cluster hardware are protected from failure.', 'P,D|IA|Pr,De|Phys|P'),
  'A.7.12': physical('Cabling carrying cluster network and storage traffic is protected from interception and damage.', 'P|CA|Pr|Phys|P'),
  'A.7.13': physical('Node and storage hardware is maintained so that it stays available and intact.', 'P|CIA|Pr|Phys,Asset|P,R'),
  'A.7.14': physical('Disks that held etcd data, secrets or persistent volumes are wiped or destroyed before reuse or disposal.', 'P|C|Pr|Phys,Asset|P'),
  'A.8.1': {
    attributes: 'P|CIA|Pr|Asset,Info|P',
    kubernetes: 'Laptops hold kubeconfigs, registry credentials and manifests with secrets; they are managed, encrypted and patched.',
    manual: 'Endpoint management records (encryption, patch level) for devices with cluster access.',
  },
  'A.8.2': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'cluster-admin bindings, privileged containers, host namespaces, added capabilities and root users are privileged access to the cluster or its nodes.',
    automated: 'Workload checks for privileged containers, host namespaces, host paths, capabilities, root users and privilege escalation (`workload.privileged-container`, `workload.host-pid`, `workload.host-ipc`, `workload.host-network`, `workload.container-runtime-socket`, `workload.sensitive-host-path`, `workload.added-capabilities`, `workload.dangerous-capabilities`, `workload.capabilities-drop-all`, `workload.run-as-non-root`, `workload.root-user`, `workload.root-group`, `workload.allow-privilege-escalation`, `workload.proc-mount`, `workload.windows-host-process`, `workload.privileged-port`, `workload.sudo-in-command`, `images.helm-tiller`), the Pod Security checks (`pss.baseline`, `pss.restricted`, `pss.namespace-enforce-rejects`, `namespace.pss-enforce-missing`, `namespace.pss-enforce-privileged`) and RBAC checks for privileged API rights (`rbac.cluster-admin-binding`, `rbac.wildcard-rules`, `rbac.escalation-verbs`, `rbac.pod-exec`, `rbac.kube-system-workloads`, `rbac.nodes-proxy`, `rbac.csr-approval`, `rbac.serviceaccount-token`, `rbac.admission-config`) show where privilege is granted in configuration. Low user ids, host users and the default service account are configuration hygiene (A.8.9, A.5.16), not privileged access, and are not mapped here. `workload.mount-propagation`, `rbac.default-serviceaccount-automount` add evidence of the same.',
    manual: 'Approval and periodic review of who holds privileged cluster roles, and the break-glass procedure.',
    coverage: 'partial',
  },
  'A.8.3': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'Secrets, ConfigMaps and volumes are readable only by the workloads and people that need them; namespaces bound that access.',
    automated: 'Host path checks (`workload.host-path-volume`, `workload.container-runtime-socket`, `workload.sensitive-host-path`, `workload.writable-host-path`), token mounting (`workload.automount-token-enabled`, `workload.automount-token`) and RBAC read rights (`rbac.anonymous-access`, `rbac.secrets-read`, `rbac.pod-exec`, `rbac.nodes-proxy`) evidence the technical restriction of access to information in the cluster.',
    manual: 'Access rules per information classification and their approval.',
    coverage: 'partial',
  },
  'A.8.4': {
    attributes: 'P|CIA|Pr|IAM,App,Conf|P',
    kubernetes: 'Manifests, Helm charts and GitOps repositories are source code: whoever can merge to them decides what runs in production.',
    automated: '`secrets.credential-in-env` and `secrets.configmap-credentials` find credentials written into manifests, where read access to the deployment repository becomes access to production systems. Repository permissions are not visible. `secrets.literal-secret` adds evidence of the same.',
    manual: 'Repository access lists and branch protection settings for the deployment repositories.',
  },
  'A.8.5': {
    attributes: 'P|CIA|Pr|IAM|P',
    kubernetes: 'People reach the API server through SSO with multi-factor authentication, without anonymous access or static token files; workloads use short-lived projected tokens rather than long-lived token Secrets.',
    automated: '`rbac.anonymous-access` flags rights granted to unauthenticated users (`system:anonymous`, `system:unauthenticated`). The authentication configuration of the API server and the identity provider is not in the manifests and is not checked. `network.service-ssh` adds evidence of the same.',
    manual: 'Identity provider configuration showing multi-factor authentication for cluster access.',
    coverage: 'partial',
  },
  'A.8.6': {
    attributes: 'P,D|IA|Id,Pr,De|Cont|G,P',
    kubernetes: 'CPU and memory requests and limits, ResourceQuotas and LimitRanges keep one workload from starving the others; autoscaling follows demand.',
    automated: '`workload.cpu-requests`, `workload.memory-requests`, `workload.cpu-limits`, `workload.memory-limits`, `namespace.limit-range` and `namespace.resource-quota` evidence that capacity is bounded per workload and namespace. Capacity monitoring and planning are not visible.',
    manual: 'Capacity monitoring and planning records for nodes and clusters.',
    coverage: 'partial',
  },
  'A.8.7': {
    attributes: 'P,D,C|CIA|Pr,De|SysNet,Info|P,D',
    kubernetes: 'Images are scanned for malware, root filesystems are read-only so nothing persists inside a container, and runtime detection watches for unexpected processes.',
    automated: '`workload.read-only-root-filesystem` evidences one preventive measure (nothing persists inside a container). Malware scanning and runtime detection are not checked.',
    manual: 'Image scanning and runtime detection tooling and their alert records.',
    coverage: 'partial',
  },
  'A.8.8': {
    attributes: 'P|CIA|Id,Pr|TVM|G,P,D',
    kubernetes: 'Vulnerabilities live in images, in the Kubernetes version and in node operating systems; pinned image versions are needed to know which vulnerable build runs.',
    automated: '`images.latest-tag` makes the running build identifiable; `images.helm-tiller`, `images.deprecated-registry`, `network.ingress-nginx-annotation-injection` and `namespace.pss-version-pinned-old` flag known-vulnerable or outdated components; `cluster.deprecated-api` is weak evidence (an API removed in a later release blocks upgrades). No vulnerability scanning of images or nodes is done. On a live cluster (`annexa cluster`), `cluster.api-server-version` and `cluster.node-versions` flag a control plane or kubelet of a Kubernetes release without security fixes and end-of-life container runtimes.',
    manual: 'Vulnerability scan reports for images and nodes and the patching timelines met.',
    coverage: 'partial',
  },
  'A.8.9': {
    attributes: 'P|CIA|Pr|Conf|P',
    kubernetes: 'A hardened configuration baseline for pods, RBAC, networking and cluster components, kept as code and verified on every change.',
    automated: 'Most built-in checks are the secure configuration baseline itself: the mapped checks of the `workload.*`, `pss.*`, `namespace.*`, `images.*`, `network.*` and `cluster.*` domains, evaluated on the scanned manifests with the severities recorded in annexa.yaml.',
    manual: 'The approved baseline (which checks and severities apply, recorded in annexa.yaml) and its change history.',
    coverage: 'partial',
  },
  'A.8.10': {
    attributes: 'P|C|Pr|Info,Legal|P',
    kubernetes: 'Persistent volumes, Secrets, backups and logs are deleted when no longer needed; reclaim policies decide what happens to a volume\'s data.',
    manual: 'Deletion and retention rules for volumes, backups and logs, and deletion records.',
  },
  'A.8.11': {
    attributes: 'P|C|Pr|Info|P',
    kubernetes: 'Secret values and personal data are masked in logs, events and reports (Annexa never prints secret values).',
    manual: 'Masking rules for logs and non-production data.',
  },
  'A.8.12': {
    attributes: 'P,D|C|Pr,De|Info|P,D',
    kubernetes: 'Egress restrictions and keeping secrets out of plain env values and ConfigMaps limit how data can leave the cluster.',
    automated: '`secrets.credential-in-env` and `secrets.configmap-credentials` find credentials in plain manifests, and `network.default-deny-egress` namespaces without an egress restriction, through which data could leave. Data leakage prevention tooling is not checked. `secrets.literal-secret` adds evidence of the same. On a live cluster, `cluster.apiserver-encryption-at-rest` flags a kube-apiserver (static Pod, when visible) that stores Secrets unencrypted in etcd.',
    manual: 'Data leakage prevention tooling or egress gateway configuration and its alerts.',
    coverage: 'partial',
  },
  'A.8.13': {
    attributes: 'C|IA|Rc|Cont|P',
    kubernetes: 'etcd snapshots and persistent volume backups (for example with Velero), with restores tested. Manifests cannot show that a backup exists or restores, so Annexa maps no check here (audit logging is not backup evidence).',
    manual: 'Backup schedule, retention and restore test records for etcd and persistent volumes.',
  },
  'A.8.14': {
    attributes: 'P|A|Pr|Cont,Asset|P,R',
    kubernetes: 'More than one replica, PodDisruptionBudgets, topology spread across zones and multi-zone node pools keep services available when a node or zone fails.',
    automated: '`workload.naked-pod` shows pods with no controller to recreate them; `workload.liveness-probe` and `workload.readiness-probe` are weak evidence (Kubernetes can detect and replace a failed instance). Replica counts, PodDisruptionBudgets and topology spread are not checked, so redundancy itself is not evidenced.',
    manual: 'Availability requirements per service and failover test records.',
    coverage: 'partial',
  },
  'A.8.15': {
    attributes: 'D|CIA|De|Event|P,D',
    kubernetes: 'API server audit logging with an audit policy, and container and node logs shipped off the node before it disappears.',
    manual: 'Log retention, protection and access records of the log platform.',
  },
  'A.8.16': {
    attributes: 'D,C|CIA|De,Rs|Event|D',
    kubernetes: 'Audit logs and runtime behaviour are watched for anomalies, and drift between approved manifests and what actually runs is detected.',
    manual: 'Monitoring and alerting procedure and on-call records.',
  },
  'A.8.17': {
    attributes: 'D|I|Pr,De|Event|P,D',
    kubernetes: 'Nodes synchronize time so that audit logs, tokens and certificates line up; this is node or provider configuration, not visible in manifests.',
    manual: 'Node time synchronization configuration (NTP or the provider\'s time service).',
  },
  'A.8.18': {
    attributes: 'P|CIA|Pr|SysNet,Conf,App|P',
    kubernetes: 'In a container estate the utilities that can override system controls are privileged containers, host PID/IPC/network namespaces, hostPath mounts (such as the runtime socket), dangerous capabilities and privilege escalation.',
    automated: 'Checks forbidding the settings through which a container overrides system controls: `workload.privileged-container`, `workload.host-pid`, `workload.host-ipc`, `workload.host-network`, `workload.container-runtime-socket`, `workload.writable-host-path`, `workload.dangerous-capabilities`, `workload.allow-privilege-escalation`, `workload.windows-host-process`, `workload.sudo-in-command`, and `workload.ephemeral-container` for debug containers added to running pods. Node-level utilities and the approval of exceptions are not visible, so coverage is partial.',
    manual: 'Approved exceptions (for example node agents) with their justification.',
    coverage: 'partial',
  },
  'A.8.19': {
    attributes: 'P|CIA|Pr|Conf,App|P',
    kubernetes: 'Only approved software runs: images from allowed registries, pinned by digest, with read-only root filesystems so that nothing is installed at runtime.',
    automated: '`images.allowed-registries`, `images.digest-pinning`, `images.latest-tag`, `images.pull-policy`, `images.deprecated-registry` and `images.helm-tiller` evidence which software images may be installed.',
    manual: 'Software approval process for new images and operators.',
    coverage: 'partial',
  },
  'A.8.20': {
    attributes: 'P,D|CIA|Pr,De|SysNet|P',
    kubernetes: 'NetworkPolicies enforced by the CNI, a restricted API server endpoint and no unnecessary NodePort, LoadBalancer or host-network exposure.',
    automated: 'Network checks (`network.default-deny-ingress`, `network.default-deny-egress`, `network.workload-not-selected`, `network.policy-allows-all`, `network.metadata-egress`, `network.loadbalancer-source-ranges`, `network.nodeport-service`, `network.service-external-ips`, `network.policy-invalid`, `network.netpol-no-pod-selector`, `network.ingress-tls`, `network.ingress-nginx-annotation-injection`) and `workload.host-ports`, `workload.host-aliases` evidence the in-cluster network controls. Cloud network rules outside the cluster are not visible. `workload.ssh-port`, `network.service-ssh`, `network.service-selects-nothing`, `network.ingress-missing-service`, `network.workload-exposed`, `network.netpol-selects-nothing` add evidence of the same. On a live cluster, `network.ipblock-cluster-addresses` flags ipBlock peers that match the pod or node addresses of the cluster itself.',
    manual: 'Network architecture and firewall rules outside the cluster (VPC, security groups) and their review.',
    coverage: 'partial',
  },
  'A.8.21': {
    attributes: 'P|CIA|Pr|SysNet|P',
    kubernetes: 'Ingress controllers, service meshes and exposed Services are network services whose security features (TLS, authentication, exposure) are defined and checked.',
    automated: '`network.ingress-tls`, `network.ingress-nginx-annotation-injection` and `network.metadata-egress` evidence how the ingress service and egress to the cloud metadata service are configured.',
    manual: 'Security requirements for each network service, including external ones (DNS, CDN).',
    coverage: 'partial',
  },
  'A.8.22': {
    attributes: 'P|CIA|Pr|SysNet|P',
    kubernetes: 'Namespaces are network trust zones with default-deny NetworkPolicies; pods do not share the host network.',
    automated: '`network.default-deny-ingress`, `network.default-deny-egress`, `network.workload-not-selected`, `network.policy-allows-all`, `network.metadata-egress`, `network.loadbalancer-source-ranges`, `network.nodeport-service`, `network.service-external-ips`, `network.policy-invalid`, `network.netpol-no-pod-selector`, `workload.host-network` and `workload.host-ports` evidence segregation inside the cluster. The NetworkPolicies are only as effective as the CNI that enforces them, which is not visible, so coverage is partial. `network.service-ssh`, `network.workload-exposed`, `network.netpol-selects-nothing` add evidence of the same. On a live cluster, `network.ipblock-cluster-addresses` flags segmentation by ipBlock that in fact selects pods or nodes by their current addresses.',
    manual: 'Zone design naming which namespaces may talk to which.',
    coverage: 'partial',
  },
  'A.8.23': {
    attributes: 'P|CIA|Pr|SysNet|P',
    kubernetes: 'Workloads reach only the external sites they need, through egress NetworkPolicies or an egress proxy.',
    automated: '`network.default-deny-egress` shows namespaces with no egress restriction, where workloads can reach any external site. Which sites are allowed (an egress proxy or allow-list) is not checked.',
    manual: 'Egress proxy or filtering configuration and its allow-list.',
    coverage: 'partial',
  },
  'A.8.24': {
    attributes: 'P|CIA|Pr|Conf|P',
    kubernetes: 'TLS on Ingress and between services, Secrets encrypted at rest in etcd (ideally with a KMS), and certificates managed and rotated.',
    automated: '`network.ingress-tls` flags Ingresses without TLS. Encryption at rest and key management are not visible in manifests. `secrets.literal-secret` adds evidence of the same. On a live cluster, `cluster.apiserver-encryption-at-rest` flags a kube-apiserver without an encryption provider for Secrets at rest.',
    manual: 'Cryptography and key management rules (algorithms, key rotation, KMS ownership).',
    coverage: 'partial',
  },
  'A.8.25': {
    attributes: 'P|CIA|Pr|App,SysNet|P',
    kubernetes: 'Scanning manifests in CI before merge (annexa scan with --fail-on) is a secure development practice for infrastructure code.',
    manual: 'Development life cycle rules and the CI pipeline configuration showing the scan gate.',
  },
  'A.8.26': {
    attributes: 'P|CIA|Pr|App,SysNet|P,D',
    kubernetes: 'Each service states its security requirements (exposure, authentication, data classification) before deployment.',
    manual: 'Application security requirements per service.',
  },
  'A.8.27': {
    attributes: 'P|CIA|Pr|App,SysNet|P',
    kubernetes: 'Least privilege, defence in depth and isolation as design principles: non-root containers, dropped capabilities, seccomp, no privilege escalation, namespace isolation.',
    manual: 'Architecture principles and design review records.',
  },
  'A.8.28': {
    attributes: 'P|CIA|Pr|App,SysNet|P',
    kubernetes: 'Manifests and charts are code: secure coding for them means linting and review, and for application code the usual secure coding practices.',
    manual: 'Secure coding guidelines and code review records.',
  },
  'A.8.29': {
    attributes: 'P|CIA|Id|App,Assur,SysNet|P',
    kubernetes: 'Manifest scans, image scans and admission dry-runs are security tests in the acceptance pipeline; their SARIF or JUnit output is the test record.',
    manual: 'Security test plan and retained results for each release.',
  },
  'A.8.30': {
    attributes: 'P,D|CIA|Id,Pr,De|SysNet,App,Supp|G,P',
    kubernetes: 'Charts, operators and images built by third parties are held to the same checks as in-house ones before they run.',
    manual: 'Requirements in outsourced development contracts and acceptance records.',
  },
  'A.8.31': {
    attributes: 'P|CIA|Pr|App,SysNet|P',
    kubernetes: 'Development, test and production are separated by cluster, or at least by namespace with RBAC and NetworkPolicies; nothing runs in the `default` namespace.',
    manual: 'Environment separation design (which clusters and namespaces hold which environment).',
  },
  'A.8.32': {
    attributes: 'P|CIA|Pr|App,SysNet|P',
    kubernetes: 'Changes reach clusters through reviewed GitOps pull requests; admission control rejects non-compliant changes and drift detection finds manual ones.',
    automated: '`images.latest-tag`, `images.digest-pinning` and `images.pull-policy` show image references that can change without a reviewed deployment; `workload.naked-pod`, `workload.ephemeral-container`, `workload.duplicate-env-var`, `pss.namespace-enforce-rejects` and `cluster.deprecated-api` show changes outside a controlled rollout or ones that will fail on upgrade. `cluster.no-admission-policy` adds evidence of the same. On a live cluster, `cluster.admission-controls` flags a cluster with no admission policy enforcing the baseline on changes (`annexa drift` shows what changed outside it).',
    manual: 'Change records (approved pull requests, release notes).',
    coverage: 'partial',
  },
  'A.8.33': {
    attributes: 'P|CI|Pr|Info|P',
    kubernetes: 'Test namespaces and clusters do not receive production Secrets or unmasked personal data.',
    manual: 'Rules for test data and records of their approval.',
  },
  'A.8.34': {
    attributes: 'P|CIA|Pr|SysNet,Info|G,P',
    kubernetes: 'Scanners and auditors get read-only access (a view role without secret access) in agreed windows.',
    manual: 'Audit test plans and the access granted for them.',
  },
};
