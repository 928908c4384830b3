/**
 * The operator console: static pages under {@code /console/} (in the jar, no build step) that call the
 * token-protected operator API, plus the API the console's overview needs beyond SPEC §6
 * ({@code GET /api/v1/stats/timeseries}: attempts, latency percentiles, stages, dead letters and consumer
 * lag over the last hours).
 */
package com.idp.push.console;
