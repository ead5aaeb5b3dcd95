{{/*
Names and labels of the operator (docs/operator.md). Everything of it renders only
with operator.enabled; the CRDs in crds/ are installed by Helm either way.
*/}}
{{- define "vmafx.operator.fullname" -}}
{{- printf "%s-operator" (include "vmafx.fullname" . | trunc 54 | trimSuffix "-") }}
{{- end }}

{{- define "vmafx.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vmafx.name" . }}-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vmafx.operator.labels" -}}
helm.sh/chart: {{ include "vmafx.chart" . }}
{{ include "vmafx.operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "vmafx.operator.image" -}}
{{- $image := .Values.operator.image -}}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/* The image of the scoring and training pods: operator.jobImage, else the chart's. */}}
{{- define "vmafx.operator.jobImage" -}}
{{- default (include "vmafx.image" .) .Values.operator.jobImage }}
{{- end }}

{{- define "vmafx.operator.webhookSecret" -}}
{{- default (printf "%s-webhook-tls" (include "vmafx.operator.fullname" .)) .Values.operator.webhook.certSecret }}
{{- end }}
