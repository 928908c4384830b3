{{/* Chart name, overridable. */}}
{{- define "idp-push.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: release-chart unless the release name already contains the chart name. */}}
{{- define "idp-push.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "idp-push.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "idp-push.selectorLabels" -}}
app.kubernetes.io/name: {{ include "idp-push.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "idp-push.labels" -}}
helm.sh/chart: {{ include "idp-push.chart" . }}
{{ include "idp-push.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "idp-push.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "idp-push.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret the pods read: the user's existing one, or the chart's. */}}
{{- define "idp-push.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- include "idp-push.fullname" . -}}
{{- end -}}
{{- end -}}

{{/* Most pods worth running: more consumers than partitions idle. */}}
{{- define "idp-push.maxReplicas" -}}
{{- min (int .Values.keda.maxReplicaCount) (int .Values.kafka.partitions) -}}
{{- end -}}
