# syntax=docker/dockerfile:1
# idp-push container image.
#   docker build -t idp-push .
#   docker run --env-file .env -p 8080:8080 idp-push
# Stage 1 builds the jar with the Maven wrapper and splits it into Spring Boot's layers;
# stage 2 is a JRE-only image that runs the layers as a non-root user.

############################ build ############################
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build

# Dependencies first: this layer is rebuilt only when pom.xml or the wrapper changes,
# so editing sources does not download the world again.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
RUN chmod +x mvnw && ./mvnw -q -B dependency:go-offline

COPY src/main/ src/main/
# Build the jar, then split it with Boot's "tools" jar mode (Boot 3.3+, checked against this 4.0 jar): one
# directory per layer plus the launcher, so each layer becomes its own image layer below.
RUN ./mvnw -q -B -DskipTests package \
 && cp target/idp-push-*.jar /build/app.jar \
 && java -Djarmode=tools -jar /build/app.jar extract --layers --launcher --destination /build/extracted

############################ run ############################
FROM eclipse-temurin:17-jre AS run

# curl only for the HEALTHCHECK: the Temurin JRE image does not promise an HTTP client
# (and has no busybox wget); a JRE cannot run a single-file Java probe (no compiler module).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 idp \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin idp

WORKDIR /app
# Least-changing layers first.
COPY --from=build --chown=10001:10001 /build/extracted/dependencies/ ./
COPY --from=build --chown=10001:10001 /build/extracted/spring-boot-loader/ ./
COPY --from=build --chown=10001:10001 /build/extracted/snapshot-dependencies/ ./
COPY --from=build --chown=10001:10001 /build/extracted/application/ ./

# Numeric UID so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 10001:10001

# Container-aware heap: 75% of the container memory limit; crash (and be restarted) on OOM rather
# than limp on. Extra flags: JAVA_OPTS (appended) or JAVA_TOOL_OPTIONS (read by the JVM itself).
# JAVA_OPTS comes after the defaults, so it can override them (e.g. -XX:MaxRAMPercentage=60).
ENV JAVA_OPTS="" \
    SERVER_PORT=8080

EXPOSE 8080

# Liveness only (the process answers HTTP); Kafka or Postgres being away is readiness, not a reason
# to restart. SERVER_PORT is honoured if overridden.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT}/actuator/health/liveness" || exit 1

# exec: java is PID 1 and receives SIGTERM, so Spring's graceful shutdown lets deliveries finish and commit.
ENTRYPOINT ["sh", "-c", "exec java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "idp-push"]
