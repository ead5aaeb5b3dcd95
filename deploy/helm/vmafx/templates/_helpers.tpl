{{/*
Names and labels.
*/}}
{{- define "vmafx.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vmafx.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vmafx.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vmafx.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vmafx.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vmafx.labels" -}}
helm.sh/chart: {{ include "vmafx.chart" . }}
{{ include "vmafx.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: {{ if include "vmafx.isServer" . }}server{{ else }}batch{{ end }}
vmafx.io/gpu-vendor: {{ .Values.gpu.vendor }}
{{- end }}

{{- define "vmafx.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vmafx.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
"true" when the workload runs the HTTP server, "" for the batch Job (usable as a boolean).
*/}}
{{- define "vmafx.isServer" -}}
{{- if ne .Values.workload "Job" }}true{{ end }}
{{- end }}

{{- define "vmafx.authSecretName" -}}
{{- default (printf "%s-auth" (include "vmafx.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/*
GPU vendor mapping: the only place where a vendor becomes a resource, a backend,
an image flavour, a RuntimeClass and a DRA DeviceClass.
*/}}
{{- define "vmafx.gpu.enabled" -}}
{{- if ne .Values.gpu.vendor "cpu" }}true{{ end }}
{{- end }}

{{- define "vmafx.gpu.resourceName" -}}
{{- $defaults := dict "nvidia" "nvidia.com/gpu" "amd" "amd.com/gpu" "intel" "gpu.intel.com/i915" -}}
{{- default (get $defaults .Values.gpu.vendor) .Values.gpu.resourceName }}
{{- end }}

{{- define "vmafx.gpu.backend" -}}
{{- $defaults := dict "cpu" "cpu" "nvidia" "cuda" "amd" "hip" "intel" "sycl" -}}
{{- default (get $defaults .Values.gpu.vendor) .Values.gpu.backend }}
{{- end }}

{{- define "vmafx.gpu.imageFlavour" -}}
{{- .Values.gpu.vendor }}
{{- end }}

{{- define "vmafx.gpu.runtimeClassName" -}}
{{- $defaults := dict "nvidia" "nvidia" "amd" "amd" -}}
{{- default (get $defaults .Values.gpu.vendor) .Values.gpu.runtimeClass.name }}
{{- end }}

{{- define "vmafx.gpu.deviceClassName" -}}
{{- $defaults := dict "nvidia" "gpu.nvidia.com" "amd" "gpu.amd.com" "intel" "gpu.intel.com" -}}
{{- default (get $defaults .Values.gpu.vendor) .Values.gpu.dra.deviceClassName }}
{{- end }}

{{/* "true" when the container asks the device plugin for GPUs. */}}
{{- define "vmafx.gpu.requestsResource" -}}
{{- if include "vmafx.gpu.enabled" . }}
{{- if eq .Values.gpu.access "devicePlugin" }}true{{ end }}
{{- if and (eq .Values.gpu.access "runtimeClass") .Values.gpu.runtimeClass.requestResource }}true{{ end }}
{{- end }}
{{- end }}

{{- define "vmafx.gpu.claimTemplateName" -}}
{{- printf "%s-gpu" (include "vmafx.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vmafx.image" -}}
{{- $tag := default (printf "%s-%s" .Chart.AppVersion (include "vmafx.gpu.imageFlavour" .)) .Values.image.tag -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Container resources: the values' resources plus the device-plugin GPU limit.
*/}}
{{- define "vmafx.resources" -}}
{{- $resources := deepCopy (default dict .Values.resources) -}}
{{- if include "vmafx.gpu.requestsResource" . }}
{{- $limits := default dict (get $resources "limits") -}}
{{- $_ := set $limits (include "vmafx.gpu.resourceName" .) (int .Values.gpu.count) -}}
{{- $_ := set $resources "limits" $limits -}}
{{- end }}
{{- if eq .Values.gpu.access "dra" }}
{{- $_ := set $resources "claims" (list (dict "name" "gpu")) -}}
{{- end }}
{{- toYaml $resources }}
{{- end }}

{{/*
Checks that span several values (single values are checked by values.schema.json).
*/}}
{{- define "vmafx.validate" -}}
{{- $gpu := .Values.gpu -}}
{{- if and (ne $gpu.access "devicePlugin") (not (include "vmafx.gpu.enabled" .)) }}
{{- fail (printf "gpu.access=%s needs a GPU: set gpu.vendor to nvidia, amd or intel (gpu.vendor=cpu uses no GPU)" $gpu.access) }}
{{- end }}
{{- if and (eq $gpu.access "runtimeClass") (not (include "vmafx.gpu.runtimeClassName" .)) }}
{{- fail (printf "gpu.access=runtimeClass: gpu.vendor=%s has no default RuntimeClass, set gpu.runtimeClass.name" $gpu.vendor) }}
{{- end }}
{{- if eq $gpu.access "dra" }}
{{- $minimum := get (dict "v1beta1" "1.32" "v1beta2" "1.33" "v1" "1.34") $gpu.dra.apiVersion }}
{{- if semverCompare (printf "<%s.0-0" $minimum) .Capabilities.KubeVersion.Version }}
{{- fail (printf "gpu.access=dra with resource.k8s.io/%s needs Kubernetes %s or newer (this cluster: %s)" $gpu.dra.apiVersion $minimum .Capabilities.KubeVersion.Version) }}
{{- end }}
{{- end }}
{{- if and (eq .Values.workload "Job") (not .Values.batch.pairs) }}
{{- fail "workload=Job needs batch.pairs: at least one {name, reference, distorted}" }}
{{- end }}
{{- if and (include "vmafx.isServer" .) (ge (add (mul 2 (int .Values.server.drainSeconds)) (int .Values.server.shutdownGraceSeconds)) (int .Values.terminationGracePeriodSeconds)) }}
{{- fail (printf "2 x server.drainSeconds (%d) + server.shutdownGraceSeconds (%d) must be below terminationGracePeriodSeconds (%d), or Kubernetes kills the server while it drains" (int .Values.server.drainSeconds) (int .Values.server.shutdownGraceSeconds) (int .Values.terminationGracePeriodSeconds)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (ne .Values.workload "Deployment") }}
{{- fail (printf "autoscaling.enabled is for workload=Deployment (workload=%s)" .Values.workload) }}
{{- end }}
{{- $names := dict -}}
{{- range .Values.batch.pairs }}
{{- if hasKey $names .name }}
{{- fail (printf "batch.pairs: the name %q is used twice (each pair writes <name>.json)" .name) }}
{{- end }}
{{- $_ := set $names .name true -}}
{{- end }}
{{- end }}

{{/*
Annotations of the workload object. Without image.digest the image is pinned by
tag only; checkov's digest check (CKV_K8S_43) is skipped with that reason, and
runs again as soon as a digest is set. See docs/k8s-deployment.md.
*/}}
{{- define "vmafx.workloadAnnotations" -}}
{{- if not .Values.image.digest -}}
annotations:
  checkov.io/skip1: "CKV_K8S_43=image pinned by tag until image.digest is set (docs/k8s-deployment.md)"
{{- end }}
{{- end }}
