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
"true" when the workload runs the HTTP server, "" for the batch and scale-out Jobs
(usable as a boolean).
*/}}
{{- define "vmafx.isServer" -}}
{{- if not (has .Values.workload (list "Job" "IndexedJob")) }}true{{ end }}
{{- end }}

{{/*
What a pod does: server, batch, or, for workload=IndexedJob, segment (a pod of the
Indexed Job) or merge. The scale-out templates pass the context with a vmafxRole key.
*/}}
{{- define "vmafx.podRole" -}}
{{- if .vmafxRole }}{{ .vmafxRole }}
{{- else if include "vmafx.isServer" . }}server
{{- else }}batch
{{- end }}
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

{{/*
The backends compiled into the vendor's image, comma-separated: the flavour's own
(deploy/docker/Dockerfile builds cuda into nvidia, hip into amd, sycl into intel),
cpu and auto always, and image.extraBackends for images built with more features.
*/}}
{{- define "vmafx.gpu.imageBackends" -}}
{{- $flavourBackend := get (dict "nvidia" "cuda" "amd" "hip" "intel" "sycl") .Values.gpu.vendor -}}
{{- $backends := list "auto" "cpu" -}}
{{- if $flavourBackend }}{{ $backends = append $backends $flavourBackend }}{{ end -}}
{{- join "," (concat $backends (default list .Values.image.extraBackends)) }}
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

{{/*
Jobs and job store.
*/}}
{{- define "vmafx.jobStore.postgres" -}}
{{- if and (include "vmafx.isServer" .) (eq .Values.jobStore.type "postgres") }}true{{ end }}
{{- end }}

{{- define "vmafx.jobStore.secretName" -}}
{{- default (printf "%s-jobstore" (include "vmafx.fullname" .)) .Values.jobStore.postgres.existingSecret }}
{{- end }}

{{/*
The batch Job's name: the fullname plus a hash of its pod template. A Job's pod
template is immutable, so a changed template must be a new Job (Helm replaces the
old one) rather than a patch that the API server refuses and that fails the upgrade.
*/}}
{{- define "vmafx.batchJobName" -}}
{{- $hash := include "vmafx.podTemplate" . | sha256sum | trunc 10 -}}
{{- printf "%s-%s" (include "vmafx.fullname" . | trunc 52 | trimSuffix "-") $hash }}
{{- end }}

{{/*
Scale-out (workload=IndexedJob): segments, names and paths.
*/}}
{{- define "vmafx.scaleOut.segments" -}}
{{- $so := .Values.scaleOut -}}
{{- div (sub (add (int $so.frames) (int $so.segmentFrames)) 1) (max 1 (int $so.segmentFrames)) }}
{{- end }}

{{/*
Where this run's parts go: <workDir>/<name>.parts-<hash>. The hash covers what the
parts' contents depend on (inputs, frames, segments, vmafx arguments, image), so a
re-run of the same settings finds and keeps its finished parts and any change
starts a folder of its own.
*/}}
{{- define "vmafx.scaleOut.partsDir" -}}
{{- $so := .Values.scaleOut -}}
{{- $settings := dict "reference" $so.reference "distorted" $so.distorted "frames" (int $so.frames) "segmentFrames" (int $so.segmentFrames) "args" .Values.batch.args "image" (include "vmafx.image" .) "backend" (include "vmafx.gpu.backend" .) -}}
{{- printf "%s/%s.parts-%s" (trimSuffix "/" $so.workDir) $so.name (toJson $settings | sha256sum | trunc 10) }}
{{- end }}

{{- define "vmafx.scaleOut.report" -}}
{{- printf "%s/%s.%s" (trimSuffix "/" .Values.scaleOut.workDir) .Values.scaleOut.name .Values.scaleOut.merge.format }}
{{- end }}

{{/*
The Indexed Job's name: the fullname plus a hash of its pod template and of the
spec fields that cannot change on a live Job (completions, backoffLimitPerIndex,
maxFailedIndexes), for the same reason as the batch Job's.
*/}}
{{- define "vmafx.scaleOut.segmentJobName" -}}
{{- $so := .Values.scaleOut -}}
{{- $template := include "vmafx.podTemplate" (merge (dict "vmafxRole" "segment") .) -}}
{{- $spec := printf "%s|%s|%d|%d" $template (include "vmafx.scaleOut.segments" .) (int $so.backoffLimitPerIndex) (int $so.maxFailedIndexes) -}}
{{- printf "%s-%s" (include "vmafx.fullname" . | trunc 52 | trimSuffix "-") ($spec | sha256sum | trunc 10) }}
{{- end }}

{{- define "vmafx.scaleOut.mergeJobName" -}}
{{- $hash := include "vmafx.podTemplate" (merge (dict "vmafxRole" "merge") .) | sha256sum | trunc 10 -}}
{{- printf "%s-merge-%s" (include "vmafx.fullname" . | trunc 46 | trimSuffix "-") $hash }}
{{- end }}

{{/*
The Deployment strategy: the values' when given, else Recreate for a sqlite store on
a claimed volume (never two servers on one database file) and a surge-only rolling
update otherwise.
*/}}
{{- define "vmafx.deploymentStrategy" -}}
{{- if .Values.strategy }}
{{- toYaml .Values.strategy }}
{{- else if and (eq .Values.jobStore.type "sqlite") .Values.persistence.existingClaim }}
type: Recreate
{{- else }}
type: RollingUpdate
rollingUpdate:
  maxSurge: 1
  maxUnavailable: 0
{{- end }}
{{- end }}

{{/*
An int-or-percent of a PodDisruptionBudget resolved against "total" pods, as the
disruption controller does (percentages round up).
*/}}
{{- define "vmafx.scaledCount" -}}
{{- $value := toString .value -}}
{{- if hasSuffix "%" $value }}
{{- div (add (mul (int (trimSuffix "%" $value)) .total) 99) 100 }}
{{- else }}
{{- int $value }}
{{- end }}
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
{{- include "vmafx.validateScaleOut" . }}
{{- if and (include "vmafx.isServer" .) (ge (add (mul 2 (int .Values.server.drainSeconds)) (int .Values.server.shutdownGraceSeconds)) (int .Values.terminationGracePeriodSeconds)) }}
{{- fail (printf "2 x server.drainSeconds (%d) + server.shutdownGraceSeconds (%d) must be below terminationGracePeriodSeconds (%d), or Kubernetes kills the server while it drains" (int .Values.server.drainSeconds) (int .Values.server.shutdownGraceSeconds) (int .Values.terminationGracePeriodSeconds)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (ne .Values.workload "Deployment") }}
{{- fail (printf "autoscaling.enabled is for workload=Deployment (workload=%s)" .Values.workload) }}
{{- end }}
{{- include "vmafx.validateImage" . }}
{{- include "vmafx.validateJobStore" . }}
{{- include "vmafx.validateScaling" . }}
{{- $names := dict -}}
{{- range .Values.batch.pairs }}
{{- if hasKey $names .name }}
{{- fail (printf "batch.pairs: the name %q is used twice (each pair writes <name>.json)" .name) }}
{{- end }}
{{- $_ := set $names .name true -}}
{{- end }}
{{- end }}

{{/* workload=IndexedJob needs a video, its length, a segment length and a shared volume. */}}
{{- define "vmafx.validateScaleOut" -}}
{{- if eq .Values.workload "IndexedJob" }}
{{- $so := .Values.scaleOut -}}
{{- if not (and $so.reference $so.distorted) }}
{{- fail "workload=IndexedJob needs scaleOut.reference and scaleOut.distorted: the video to score, under one of `inputs`" }}
{{- end }}
{{- if or (lt (int $so.frames) 1) (lt (int $so.segmentFrames) 1) }}
{{- fail (printf "workload=IndexedJob needs scaleOut.frames (%d) and scaleOut.segmentFrames (%d) above 0: `vmafx deploy values --video FILE` prints the frame count and plans the segments" (int $so.frames) (int $so.segmentFrames)) }}
{{- end }}
{{- if not $so.claim }}
{{- fail "workload=IndexedJob needs scaleOut.claim: a ReadWriteMany PVC that every segment pod and the merge mount, for the parts and the report" }}
{{- end }}
{{- $segments := int (include "vmafx.scaleOut.segments" .) -}}
{{- if gt (int $so.maxFailedIndexes) $segments }}
{{- fail (printf "scaleOut.maxFailedIndexes (%d) is above the number of segments (%d)" (int $so.maxFailedIndexes) $segments) }}
{{- end }}
{{- end }}
{{- end }}

{{/* The image must have the backend that VMAFX_BACKEND names. */}}
{{- define "vmafx.validateImage" -}}
{{- $vendor := .Values.gpu.vendor -}}
{{- $backend := include "vmafx.gpu.backend" . -}}
{{- $backends := include "vmafx.gpu.imageBackends" . -}}
{{- if not (has $backend (splitList "," $backends)) }}
{{- fail (printf "gpu.backend=%s is not compiled into the %s image (gpu.vendor=%s has %s): pick one of these, or list it in image.extraBackends if your image was built with it (EXTRA_CARGO_FEATURES=vmafx/%s)" $backend $vendor $vendor $backends $backend) }}
{{- end }}
{{- $suffix := printf "-%s" (include "vmafx.gpu.imageFlavour" .) -}}
{{- if and .Values.image.tag (not .Values.image.digest) (not (hasSuffix $suffix .Values.image.tag)) }}
{{- fail (printf "image.tag=%s does not end in %q: gpu.vendor=%s needs the image built with GPU_FLAVOUR=%s (tags <version>%s), or VMAFX_BACKEND=%s finds no backend" .Values.image.tag $suffix $vendor $vendor $suffix $backend) }}
{{- end }}
{{- end }}

{{/* The job store: sqlite is one server on one file; postgres needs its URL. */}}
{{- define "vmafx.validateJobStore" -}}
{{- if include "vmafx.isServer" . }}
{{- $store := .Values.jobStore -}}
{{- if eq $store.type "sqlite" }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail (printf "jobStore.type=sqlite runs one server (replicaCount=%d): each replica would have its own job database, so GET /v1/jobs/{id} would reach the wrong one; set replicaCount to 1 or use jobStore.type=postgres" (int .Values.replicaCount)) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "autoscaling.enabled needs jobStore.type=postgres: with sqlite every replica has its own job database and a scale-down loses its queued jobs" }}
{{- end }}
{{- if .Values.uploads.existingClaim }}
{{- fail "uploads.existingClaim is for jobStore.type=postgres; with sqlite the one server keeps uploads in its data directory (persistence.existingClaim)" }}
{{- end }}
{{- if and (eq .Values.workload "Deployment") .Values.persistence.existingClaim (eq (toString (dig "type" "" .Values.strategy)) "RollingUpdate") }}
{{- fail (printf "strategy.type=RollingUpdate with jobStore.type=sqlite on persistence.existingClaim=%s starts the new server on the database file the old one still uses, and both run the same jobs: leave strategy empty (Recreate) or set strategy.type=Recreate" .Values.persistence.existingClaim) }}
{{- end }}
{{- else }}
{{- if and $store.postgres.existingSecret $store.postgres.url }}
{{- fail "jobStore.postgres: set existingSecret or url, not both (existingSecret is preferred: the URL holds the password)" }}
{{- end }}
{{- if not (or $store.postgres.existingSecret $store.postgres.url) }}
{{- fail "jobStore.type=postgres needs the database URL: jobStore.postgres.existingSecret (a Secret with the postgres:// URL under jobStore.postgres.secretKey) or jobStore.postgres.url" }}
{{- end }}
{{- if and (eq .Values.workload "Deployment") .Values.persistence.existingClaim }}
{{- fail "persistence.existingClaim with jobStore.type=postgres would put every replica's scratch on one volume; the data directory is per pod there (emptyDir): share uploads with uploads.existingClaim" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* HPA bounds, and a disruption budget that still lets nodes drain. */}}
{{- define "vmafx.validateScaling" -}}
{{- $hpa := .Values.autoscaling -}}
{{- if and $hpa.enabled (gt (int $hpa.minReplicas) (int $hpa.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%d) is above autoscaling.maxReplicas (%d)" (int $hpa.minReplicas) (int $hpa.maxReplicas)) }}
{{- end }}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- $pods := int (ternary $hpa.minReplicas .Values.replicaCount (and $hpa.enabled (eq .Values.workload "Deployment"))) -}}
{{- if and $pdb.enabled (include "vmafx.isServer" .) (gt $pods 0) }}
{{- $minAvailable := toString $pdb.minAvailable -}}
{{- $evictable := 0 -}}
{{- $rule := "" -}}
{{- if ne $minAvailable "" }}
{{- $evictable = sub $pods (int (include "vmafx.scaledCount" (dict "value" $minAvailable "total" $pods))) -}}
{{- $rule = printf "podDisruptionBudget.minAvailable=%s" $minAvailable -}}
{{- else }}
{{- $evictable = int (include "vmafx.scaledCount" (dict "value" $pdb.maxUnavailable "total" $pods)) -}}
{{- $rule = printf "podDisruptionBudget.maxUnavailable=%s" (toString $pdb.maxUnavailable) -}}
{{- end }}
{{- if lt (int $evictable) 1 }}
{{- fail (printf "%s with %d server pod(s) allows no eviction, so node drains would wait forever: use maxUnavailable: 1 (leave minAvailable empty), a minAvailable below the pod count, or podDisruptionBudget.enabled=false" $rule $pods) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Annotations of the workload object: checkov skips, each with its reason, rendered
only while the reason holds (docs/k8s-deployment.md lists them). Without
image.digest the image is pinned by tag only (CKV_K8S_43); with a postgres job store
the database URL reaches the server as an environment variable from its Secret,
because VMAFX_DATABASE_URL is how vmafx-server reads it (CKV_K8S_35).
*/}}
{{- define "vmafx.workloadAnnotations" -}}
{{- $skips := list -}}
{{- if not .Values.image.digest }}
{{- $skips = append $skips "CKV_K8S_43=image pinned by tag until image.digest is set (docs/k8s-deployment.md)" -}}
{{- end }}
{{- if include "vmafx.jobStore.postgres" . }}
{{- $skips = append $skips "CKV_K8S_35=vmafx-server reads its PostgreSQL URL from VMAFX_DATABASE_URL, set from a Secret (docs/k8s-deployment.md)" -}}
{{- end }}
{{- if $skips -}}
annotations:
{{- range $i, $skip := $skips }}
  checkov.io/skip{{ add1 $i }}: {{ $skip | quote }}
{{- end }}
{{- end }}
{{- end }}
