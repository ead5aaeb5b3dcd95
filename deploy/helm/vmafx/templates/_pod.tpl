{{/*
The one pod template of every workload (Deployment, StatefulSet, Job, and the
IndexedJob's two Jobs). What differs between the server, the batch Job, a scale-out
segment and the scale-out merge is switched here, nowhere else (vmafx.podRole).
*/}}
{{- define "vmafx.podTemplate" -}}
{{- $role := include "vmafx.podRole" . -}}
{{- $server := eq $role "server" -}}
{{- $scaleOut := has $role (list "segment" "merge") -}}
{{- /* The merge reads JSON parts: it asks for no GPU. */ -}}
{{- $gpu := ne $role "merge" -}}
{{- $fullname := include "vmafx.fullname" . -}}
metadata:
  labels:
    {{- include "vmafx.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: {{ get (dict "server" "server" "batch" "batch" "segment" "scale-out-segment" "merge" "scale-out-merge") $role }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- if and (include "vmafx.jobStore.postgres" .) (not .Values.jobStore.postgres.existingSecret) }}
    checksum/jobstore: {{ include (print $.Template.BasePath "/secret-jobstore.yaml") . | sha256sum }}
    {{- end }}
    {{- if and $server .Values.auth.enabled (not .Values.auth.existingSecret) }}
    checksum/auth: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
    {{- end }}
    {{- if eq $role "batch" }}
    checksum/batch: {{ include (print $.Template.BasePath "/configmap-batch.yaml") . | sha256sum }}
    {{- end }}
    {{- if $scaleOut }}
    checksum/scale-out: {{ include (print $.Template.BasePath "/configmap-scale-out.yaml") . | sha256sum }}
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "vmafx.serviceAccountName" . }}
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if and $gpu (eq .Values.gpu.access "runtimeClass") }}
  runtimeClassName: {{ include "vmafx.gpu.runtimeClassName" . }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- if not $server }}
  restartPolicy: Never
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    fsGroup: 65532
    fsGroupChangePolicy: OnRootMismatch
    {{- with .Values.gpu.supplementalGroups }}
    supplementalGroups:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    seccompProfile:
      type: RuntimeDefault
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if and $gpu (eq .Values.gpu.access "dra") }}
  resourceClaims:
    - name: gpu
      {{- if .Values.gpu.dra.existingClaim }}
      resourceClaimName: {{ .Values.gpu.dra.existingClaim }}
      {{- else }}
      resourceClaimTemplateName: {{ include "vmafx.gpu.claimTemplateName" . }}
      {{- end }}
  {{- end }}
  containers:
    - name: vmafx
      image: {{ include "vmafx.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- if $server }}
      command: ["vmafx-server"]
      args:
        - serve
        {{- with .Values.server.extraArgs }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- else if $scaleOut }}
      command: ["/bin/sh", "/etc/vmafx/scale-out/vmafx-scale-out.sh", {{ $role | quote }}]
      {{- if eq $role "segment" }}
      {{- with .Values.batch.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- else }}
      command: ["/bin/sh", "/etc/vmafx/batch/vmafx-batch.sh"]
      {{- with .Values.batch.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        privileged: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      env:
        - name: VMAFX_BACKEND
          value: {{ ternary (include "vmafx.gpu.backend" .) "cpu" $gpu | quote }}
        {{- if and $gpu (eq .Values.gpu.vendor "nvidia") }}
        - name: NVIDIA_DRIVER_CAPABILITIES
          value: compute
        {{- if and (eq .Values.gpu.access "runtimeClass") (not .Values.gpu.runtimeClass.requestResource) }}
        - name: NVIDIA_VISIBLE_DEVICES
          value: {{ .Values.gpu.runtimeClass.visibleDevices | quote }}
        {{- end }}
        {{- end }}
        - name: TMPDIR
          value: /tmp
        {{- if $server }}
        - name: VMAFX_LISTEN
          value: "0.0.0.0:{{ .Values.server.port }}"
        - name: VMAFX_DATA_DIR
          value: {{ .Values.server.dataDir | quote }}
        {{- if include "vmafx.jobStore.postgres" . }}
        - name: VMAFX_DATABASE_URL
          valueFrom:
            secretKeyRef:
              name: {{ include "vmafx.jobStore.secretName" . }}
              key: {{ .Values.jobStore.postgres.secretKey }}
        {{- else }}
        - name: VMAFX_DB
          value: {{ printf "%s/%s" .Values.server.dataDir .Values.server.dbFile | quote }}
        {{- end }}
        - name: VMAFX_SHUTDOWN_GRACE
          value: {{ .Values.server.shutdownGraceSeconds | quote }}
        - name: VMAFX_DRAIN_DELAY
          value: {{ .Values.server.drainSeconds | quote }}
        {{- with .Values.inputs }}
        - name: VMAFX_ROOTS
          value: {{ include "vmafx.rootsValue" $ | quote }}
        {{- end }}
        {{- if .Values.auth.enabled }}
        - name: VMAFX_API_TOKENS_FILE
          value: /etc/vmafx/auth/{{ .Values.auth.secretKey }}
        {{- else }}
        - name: VMAFX_INSECURE_NO_AUTH
          value: "true"
        {{- end }}
        {{- else if $scaleOut }}
        {{- with .Values.scaleOut }}
        - name: VMAFX_SCALE_OUT_NAME
          value: {{ .name | quote }}
        - name: VMAFX_SCALE_OUT_FRAMES
          value: {{ int .frames | quote }}
        - name: VMAFX_SCALE_OUT_SEGMENT_FRAMES
          value: {{ int .segmentFrames | quote }}
        {{- end }}
        - name: VMAFX_SCALE_OUT_DIR
          value: {{ include "vmafx.scaleOut.partsDir" . | quote }}
        {{- if eq $role "segment" }}
        - name: VMAFX_SCALE_OUT_REFERENCE
          value: {{ .Values.scaleOut.reference | quote }}
        - name: VMAFX_SCALE_OUT_DISTORTED
          value: {{ .Values.scaleOut.distorted | quote }}
        {{- else }}
        - name: VMAFX_SCALE_OUT_REPORT
          value: {{ include "vmafx.scaleOut.report" . | quote }}
        {{- with .Values.scaleOut.merge }}
        - name: VMAFX_SCALE_OUT_FORMAT
          value: {{ .format | quote }}
        - name: VMAFX_SCALE_OUT_WAIT_SECONDS
          value: {{ int .waitSeconds | quote }}
        - name: VMAFX_SCALE_OUT_POLL_SECONDS
          value: {{ int .pollSeconds | quote }}
        {{- end }}
        {{- end }}
        - name: VMAFX_PUSHGATEWAY_URL
          value: {{ .Values.batch.pushgateway.url | quote }}
        - name: VMAFX_PUSHGATEWAY_JOB
          value: {{ .Values.batch.pushgateway.job | quote }}
        {{- else }}
        - name: VMAFX_BATCH_PAIRS_FILE
          value: /etc/vmafx/batch/pairs.tsv
        - name: VMAFX_BATCH_OUTPUT_DIR
          value: {{ .Values.batch.outputDir | quote }}
        - name: VMAFX_PUSHGATEWAY_URL
          value: {{ .Values.batch.pushgateway.url | quote }}
        - name: VMAFX_PUSHGATEWAY_JOB
          value: {{ .Values.batch.pushgateway.job | quote }}
        {{- end }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if $server }}
      {{- if gt (int .Values.server.drainSeconds) 0 }}
      lifecycle:
        preStop:
          sleep:
            seconds: {{ .Values.server.drainSeconds }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.server.port }}
          protocol: TCP
      {{- with .Values.server.probes }}
      startupProbe:
        httpGet:
          path: {{ .startup.path }}
          port: http
        periodSeconds: {{ .startup.periodSeconds }}
        failureThreshold: {{ .startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: {{ .liveness.path }}
          port: http
        initialDelaySeconds: {{ .liveness.initialDelaySeconds }}
        periodSeconds: {{ .liveness.periodSeconds }}
        timeoutSeconds: {{ .liveness.timeoutSeconds }}
        failureThreshold: {{ .liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: {{ .readiness.path }}
          port: http
        initialDelaySeconds: {{ .readiness.initialDelaySeconds }}
        periodSeconds: {{ .readiness.periodSeconds }}
        timeoutSeconds: {{ .readiness.timeoutSeconds }}
        failureThreshold: {{ .readiness.failureThreshold }}
      {{- end }}
      {{- end }}
      resources:
        {{- if $gpu }}
        {{- include "vmafx.resources" . | nindent 8 }}
        {{- else }}
        {{- toYaml .Values.scaleOut.merge.resources | nindent 8 }}
        {{- end }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: data
          mountPath: {{ if $server }}{{ .Values.server.dataDir }}{{ else if $scaleOut }}{{ .Values.scaleOut.workDir }}{{ else }}{{ .Values.batch.outputDir }}{{ end }}
        {{- if and (include "vmafx.jobStore.postgres" .) .Values.uploads.existingClaim }}
        - name: uploads
          mountPath: {{ printf "%s/%s" .Values.server.dataDir .Values.uploads.subDir }}
        {{- end }}
        {{- if and $server .Values.auth.enabled }}
        - name: auth
          mountPath: /etc/vmafx/auth
          readOnly: true
        {{- end }}
        {{- if eq $role "batch" }}
        - name: batch
          mountPath: /etc/vmafx/batch
          readOnly: true
        {{- end }}
        {{- if $scaleOut }}
        - name: scale-out
          mountPath: /etc/vmafx/scale-out
          readOnly: true
        {{- end }}
        {{- if ne $role "merge" }}
        {{- range .Values.inputs }}
        - name: input-{{ .name }}
          mountPath: {{ .mountPath }}
          readOnly: true
        {{- end }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSizeLimit }}
    {{- if ne .Values.workload "StatefulSet" }}
    - name: data
      {{- if $scaleOut }}
      persistentVolumeClaim:
        claimName: {{ .Values.scaleOut.claim }}
      {{- else if .Values.persistence.existingClaim }}
      persistentVolumeClaim:
        claimName: {{ .Values.persistence.existingClaim }}
      {{- else }}
      emptyDir:
        sizeLimit: {{ .Values.persistence.emptyDirSizeLimit }}
      {{- end }}
    {{- end }}
    {{- if and (include "vmafx.jobStore.postgres" .) .Values.uploads.existingClaim }}
    - name: uploads
      persistentVolumeClaim:
        claimName: {{ .Values.uploads.existingClaim }}
    {{- end }}
    {{- if and $server .Values.auth.enabled }}
    - name: auth
      secret:
        secretName: {{ include "vmafx.authSecretName" . }}
        defaultMode: 0440
    {{- end }}
    {{- if eq $role "batch" }}
    - name: batch
      configMap:
        name: {{ $fullname }}-batch
        defaultMode: 0444
    {{- end }}
    {{- if $scaleOut }}
    - name: scale-out
      configMap:
        name: {{ $fullname }}-scale-out
        defaultMode: 0444
    {{- end }}
    {{- if ne $role "merge" }}
    {{- range .Values.inputs }}
    - name: input-{{ .name }}
      {{- toYaml .volume | nindent 6 }}
    {{- end }}
    {{- end }}
{{- end }}

{{/* VMAFX_ROOTS: the input mount paths, comma-separated as vmafx-server reads them. */}}
{{- define "vmafx.rootsValue" -}}
{{- $paths := list -}}
{{- range .Values.inputs }}{{ $paths = append $paths .mountPath }}{{ end -}}
{{- join "," $paths }}
{{- end }}
