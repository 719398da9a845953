import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for one process; each factory call gets its own registry. */
export interface Metrics {
  registry: Registry;
  /** Webhook deliveries by event name and what the receiver answered. */
  eventsIn: Counter<'event' | 'outcome'>;
  /** Seconds from webhook acceptance to the end of processing. */
  processingSeconds: Histogram<'event'>;
  /** Jobs waiting per queue kind, sampled at scrape time. */
  queueDepth: Gauge<'queue'>;
  /** Zalo API errors by code. */
  zaloErrors: Counter<'code'>;
  /** Sends by lane and policy decision (sent, held, refused, failed, retry). */
  sends: Counter<'lane' | 'decision'>;
}

/** Creates the metric set; `depth` is asked for queue depths when /metrics is scraped. */
export function createMetrics(depth?: () => Promise<Record<string, number>>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'motcua_' });
  const queueDepth = new Gauge({
    name: 'motcua_queue_depth',
    help: 'Jobs waiting or delayed, per queue kind',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      if (!depth) return;
      const values: Record<string, number> = await depth().catch(() => ({}));
      for (const [queue, n] of Object.entries(values)) this.set({ queue }, n);
    },
  });
  return {
    registry,
    queueDepth,
    eventsIn: new Counter({
      name: 'motcua_webhook_events_total',
      help: 'Webhook deliveries by event and outcome',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
    processingSeconds: new Histogram({
      name: 'motcua_event_processing_seconds',
      help: 'Time from webhook acceptance to processed',
      labelNames: ['event'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    zaloErrors: new Counter({
      name: 'motcua_zalo_errors_total',
      help: 'Zalo API errors by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    sends: new Counter({
      name: 'motcua_sends_total',
      help: 'Outbound messages by lane and decision',
      labelNames: ['lane', 'decision'] as const,
      registers: [registry],
    }),
  };
}
