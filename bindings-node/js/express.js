'use strict'
// smtpcodes/express: a request handler for email-service webhooks, for Express (or any
// framework with Node's (req, res, next) handlers).
//
//   const { webhook } = require('smtpcodes/express')
//   app.post('/webhooks/email', webhook(async (event, hook) => { ... }))
//
// It takes the body as Express left it: a Buffer or string (express.raw / express.text), an
// object (express.json), or, when no body parser ran, the request stream itself, read up to
// the webhook size limit. A body that is no known payload is answered 400 with a typed error;
// an SNS subscription confirmation is handed to `onSnsConfirmation` (or answered 200 with its
// subscribeUrl); otherwise `onEvent` is called once per event, in order, awaited, and the
// request is answered 200 with what was read. An error thrown by `onEvent` goes to `next`.

const { parseWebhook, WEBHOOK_LIMITS } = require('./index.js')

/** The largest body read: the core's limit for a webhook body. */
const MAX_BODY_BYTES = WEBHOOK_LIMITS.maxWebhookBytes

function send (res, status, body) {
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.end(JSON.stringify(body))
}

/** The request's own bytes, when no body parser has read them. */
function readStream (req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        const e = new Error(`the body is over ${limit} bytes`)
        e.kind = 'too_large'
        reject(e)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * A handler for POSTs from an email service's webhook.
 * @param {(event: object, hook: object) => unknown} onEvent called per event, awaited
 * @param {{ onSnsConfirmation?: (confirmation: object, hook: object) => unknown, maxBodyBytes?: number }} [options]
 */
function webhook (onEvent, options = {}) {
  if (typeof onEvent !== 'function') throw new TypeError('webhook(onEvent): onEvent must be a function')
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('options.maxBodyBytes must be a whole number of at least 1')
  return async function smtpcodesWebhook (req, res, next) {
    let hook
    try {
      let body = req.body
      // Express 5 leaves `req.body` undefined, and some parsers `{}`, when they did not read
      // the body; a body they did read has ended the stream.
      const empty = body === undefined || body === null ||
        (typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body).length === 0)
      if (empty && !req.readableEnded) body = await readStream(req, limit)
      else if (body === undefined || body === null) body = ''
      if ((typeof body === 'string' || Buffer.isBuffer(body)) && body.length > limit) {
        return send(res, 413, { error: 'too_large', message: `the body is over ${limit} bytes` })
      }
      hook = parseWebhook(body)
    } catch (e) {
      if (e.kind === 'too_large') return send(res, 413, { error: 'too_large', message: e.message })
      if (e.kind === 'not_a_webhook') return send(res, 400, { error: e.kind, what: e.what, message: e.message })
      if (e instanceof TypeError) return send(res, 400, { error: 'invalid_type', message: e.message })
      return next(e)
    }
    try {
      if (hook.snsConfirmation !== null) {
        if (options.onSnsConfirmation) await options.onSnsConfirmation(hook.snsConfirmation, hook)
        return send(res, 200, { esp: hook.esp, snsConfirmation: hook.snsConfirmation })
      }
      for (const event of hook.events) await onEvent(event, hook)
    } catch (e) {
      return next(e)
    }
    send(res, 200, { esp: hook.esp, events: hook.events.length })
  }
}

module.exports = { webhook, MAX_BODY_BYTES }
