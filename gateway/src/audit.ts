/**
 * One JSON line per request on stdout: Workers Logs samples, so deployments ship these via Logpush (Workers Trace
 * Events) or a Tail Worker. Never contains the token or any other credential.
 */
export interface AuditRecord {
  type: "gateway.audit";
  time: string;
  requestId: string;
  method: string;
  path: string;
  route: string | null;
  subject: string | null;
  tenant: string | null;
  clientId: string | null;
  principalType: "user" | "app" | null;
  groupsUsed: string[];
  decision: "allow" | "deny";
  reason: string;
  status: number;
  /** Requests sent upstream: 0 (denied before), 1, or 2 when a rotated credential was rejected and the other tried. */
  upstreamAttempts: number;
  upstreamLatencyMs: number | null;
  handlerMs: number;
}

export function writeAudit(record: AuditRecord): void {
  console.log(JSON.stringify(record));
}
