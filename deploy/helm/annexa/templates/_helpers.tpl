{{/* Names and labels. */}}
{{- define "annexa.name" -}}{{ printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" }}{{- end -}}

{{- define "annexa.selector" -}}
app.kubernetes.io/name: annexa
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "annexa.labels" -}}
{{ include "annexa.selector" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "annexa.image" -}}
{{- if .Values.image.digest -}}{{ .Values.image.repository }}@{{ .Values.image.digest }}{{- else -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end -}}
{{- end -}}

{{- define "annexa.configArgs" -}}
{{- if or .Values.config.existingSecret .Values.config.annexaYaml }}
- --config=/etc/annexa/annexa.yaml
{{- end }}
{{- end -}}

{{/* The pod-level parts every component shares: restricted security context, no automounted token, /tmp, annexa.yaml. */}}
{{- define "annexa.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "annexa.containerCommon" -}}
image: {{ include "annexa.image" .root }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
resources:
  {{- toYaml .values.resources | nindent 2 }}
{{- end -}}

{{- define "annexa.commonMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if or .root.Values.config.existingSecret .root.Values.config.annexaYaml }}
- name: config
  mountPath: /etc/annexa
  readOnly: true
{{- end }}
{{- end -}}

{{- define "annexa.commonVolumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if .root.Values.config.existingSecret }}
- name: config
  secret:
    secretName: {{ .root.Values.config.existingSecret }}
{{- else if .root.Values.config.annexaYaml }}
- name: config
  configMap:
    name: {{ .root.Release.Name }}-config
{{- end }}
{{- end -}}

{{/* The API token of a component that talks to the API server: projected, read-only, expiring (automount is off). */}}
{{- define "annexa.tokenVolume" -}}
- name: service-account
  projected:
    sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 3600
      - configMap:
          name: kube-root-ca.crt
          items:
            - key: ca.crt
              path: ca.crt
      - downwardAPI:
          items:
            - path: namespace
              fieldRef:
                fieldPath: metadata.namespace
{{- end -}}

{{- define "annexa.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "annexa.name" . }}
  labels:
    {{- include "annexa.labels" . | nindent 4 }}
spec:
  {{- toYaml .values.pdb | nindent 2 }}
  selector:
    matchLabels:
      {{- include "annexa.selector" . | nindent 6 }}
{{- end -}}

{{- define "annexa.storeEgress" -}}
{{- with .Values.networkPolicy.storePeers }}
- to:
    {{- toYaml . | nindent 4 }}
  ports:
    - { port: {{ $.Values.networkPolicy.storePort }}, protocol: TCP }
{{- end }}
{{- end -}}

{{/*
A TLS server component (webhook, audit receiver, dashboard): Deployment, Service on 443, PDB and
NetworkPolicy. Params: root, component, values, args (list), ingress (list of NetworkPolicy peers).
*/}}
{{- define "annexa.server" -}}
{{- $root := .root -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "annexa.name" . }}
  labels:
    {{- include "annexa.labels" . | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "annexa.name" . }}
  labels:
    {{- include "annexa.labels" . | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "annexa.selector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "annexa.selector" . | nindent 8 }}
    spec:
      serviceAccountName: {{ include "annexa.name" . }}
      {{- include "annexa.podCommon" . | nindent 6 }}
      containers:
        - name: annexa
          {{- include "annexa.containerCommon" . | nindent 10 }}
          args:
            {{- toYaml .args | nindent 12 }}
            - --tls-cert=/etc/annexa/tls/tls.crt
            - --tls-key=/etc/annexa/tls/tls.key
            {{- include "annexa.configArgs" $root | nindent 12 }}
            {{- with .values.extraArgs }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - { name: https, containerPort: 8443 }
          livenessProbe:
            httpGet: { path: /healthz, port: https, scheme: HTTPS }
            periodSeconds: 20
          readinessProbe:
            httpGet: { path: /readyz, port: https, scheme: HTTPS }
            periodSeconds: 10
          volumeMounts:
            - name: tls
              mountPath: /etc/annexa/tls
              readOnly: true
            {{- range .mounts }}
            - {{ toYaml . | nindent 14 | trim }}
            {{- end }}
            {{- include "annexa.commonMounts" . | nindent 12 }}
      volumes:
        - name: tls
          secret:
            secretName: {{ .values.tlsSecretName }}
        {{- range .volumes }}
        - {{ toYaml . | nindent 10 | trim }}
        {{- end }}
        {{- include "annexa.commonVolumes" . | nindent 8 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "annexa.name" . }}
  labels:
    {{- include "annexa.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "annexa.selector" . | nindent 4 }}
  ports:
    - { name: https, port: 443, targetPort: https }
---
{{ include "annexa.pdb" . }}
{{- if $root.Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "annexa.name" . }}
  labels:
    {{- include "annexa.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "annexa.selector" . | nindent 6 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - from:
        {{- toYaml .ingress | nindent 8 }}
      ports:
        - { port: 8443, protocol: TCP }
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
      ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }
    {{- include "annexa.storeEgress" $root | nindent 4 }}
{{- end }}
{{- end -}}
