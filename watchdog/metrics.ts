/**
 * The watchdog's Prometheus metrics, written by hand because the watchdog bundle carries no
 * dependencies: http_requests_total, http_request_duration_seconds, http_requests_in_flight.
 */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

const label = (code: number, method: string): string =>
  `code="${code}",method="${method.toLowerCase().replace(/["\\\n]/g, '_')}"`;

export class WatchdogMetrics {
  private inFlight = 0;
  private readonly totals = new Map<string, number>();
  private readonly durations = new Map<string, Series>();

  started(): void {
    this.inFlight++;
  }

  finished(code: number, method: string, seconds: number): void {
    this.inFlight--;
    const key = label(code, method);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const s = this.durations.get(key) ?? { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
    s.count++;
    s.sum += seconds;
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) s.buckets[i]!++;
    });
    this.durations.set(key, s);
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  render(): string {
    const out = [
      '# HELP http_requests_in_flight Requests being served.',
      '# TYPE http_requests_in_flight gauge',
      `http_requests_in_flight ${this.inFlight}`,
      '# HELP http_requests_total Requests served, by status code and method.',
      '# TYPE http_requests_total counter',
    ];
    for (const [k, v] of this.totals) out.push(`http_requests_total{${k}} ${v}`);
    out.push(
      '# HELP http_request_duration_seconds Time to serve a request, by status code and method.',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const [k, s] of this.durations) {
      BUCKETS.forEach((le, i) => {
        out.push(`http_request_duration_seconds_bucket{${k},le="${le}"} ${s.buckets[i]}`);
      });
      out.push(`http_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
      out.push(`http_request_duration_seconds_sum{${k}} ${s.sum}`);
      out.push(`http_request_duration_seconds_count{${k}} ${s.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}
