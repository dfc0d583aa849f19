/** The error contract of docs/gateway.md#error-contract: JSON `{ error, message }` with a fixed status per error code. */
export type ErrorCode =
  | "invalid_request"
  | "invalid_token"
  | "idp_unavailable"
  | "forbidden"
  | "method_not_allowed"
  | "groups_overage"
  | "not_found"
  | "payload_too_large"
  | "rate_limited"
  | "bad_gateway"
  | "gateway_timeout"
  | "misconfigured"
  | "internal_error";

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  idp_unavailable: 503,
  forbidden: 403,
  method_not_allowed: 403,
  groups_overage: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  bad_gateway: 502,
  gateway_timeout: 504,
  misconfigured: 500,
  internal_error: 500,
};

/** A request-ending decision. `reason` goes to the audit log only; `message` is what the caller sees. */
export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason: string = code,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export function errorResponse(error: GatewayError, extraHeaders: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store", ...extraHeaders };
  if (error.status === 401) headers["www-authenticate"] = `Bearer error="invalid_token"`;
  return new Response(JSON.stringify({ error: error.code, message: error.message }), { status: error.status, headers });
}
