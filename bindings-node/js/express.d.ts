import type { SnsConfirmation, Webhook, WebhookEvent } from './index'

/** What the handler uses of a request (Node's `IncomingMessage`, as Express passes it). */
export interface WebhookRequest {
  body?: unknown
  readableEnded?: boolean
  on(event: string, listener: (...args: any[]) => void): unknown
  removeAllListeners(event: string): unknown
  resume(): unknown
}

/** What the handler uses of a response (Node's `ServerResponse`). */
export interface WebhookResponse {
  statusCode: number
  setHeader(name: string, value: string): unknown
  end(chunk?: string): unknown
}

/** The options of `webhook`. */
export interface WebhookOptions {
  /** Called with an SNS subscription confirmation (fetch its `subscribeUrl` to confirm); the request is then answered 200. */
  onSnsConfirmation?: (confirmation: SnsConfirmation, hook: Webhook) => unknown
  /** The largest body read when no body parser ran, in bytes: 33554432 (32 MiB). A larger one is answered 413. */
  maxBodyBytes?: number
}

/** A `(req, res, next)` handler for an email service's webhook POSTs: 400 for a body that is no known payload, `onEvent` per event, then 200. */
export declare function webhook(
  onEvent: (event: WebhookEvent, hook: Webhook) => unknown,
  options?: WebhookOptions
): (req: WebhookRequest, res: WebhookResponse, next: (err?: unknown) => void) => Promise<void>

/** The default `maxBodyBytes`. */
export declare const MAX_BODY_BYTES: number
