/**
 * From an audience to provider calls and recorded outcomes: the {@link
 * dev.herald.dispatch.DispatchRequest} (audience, content, A/B variants, control group, target
 * devices, {@link dev.herald.dispatch.DeliveryPolicy}), the gates every delivery passes, retries,
 * and the {@link dev.herald.dispatch.DispatchHandle} to pause, resume or cancel a run.
 *
 * <h2>Gates, in order</h2>
 * For each player of the audience, and each of their devices of the targeted kind:
 * <ol>
 *   <li>no device of the targeted kind → {@code NO_DEVICE}; a device not ALLOWED →
 *       {@code DEVICE_ASK}, {@code DEVICE_BLOCKED}, {@code DEVICE_UNSUPPORTED},
 *       {@code DEVICE_SUSPENDED}, or {@code DEVICE_INVALIDATED};
 *   <li>MARKETING only: no marketing consent → {@code NO_CONSENT}; categories chosen but not this
 *       one → {@code CATEGORY_OPT_OUT};
 *   <li>MARKETING only: the compliance guard says no → {@code RG_<reason>}; it throws (an
 *       {@code Error} included), fails, answers null or something that is not a
 *       {@code ComplianceDecision}, or is late → {@code RG_COMPLIANCE_UNKNOWN} (fail closed). The
 *       timeout counts the time spent inside {@code check()} as well as the wait for its answer;
 *   <li>a frequency cap is reached → {@code FREQUENCY_CAP} (SERVICE bypasses by default);
 *   <li>quiet hours in the player's zone → postponed to their end (re-checked then) or
 *       {@code QUIET_HOURS} (SERVICE bypasses by default);
 *   <li>past the deadline or the message's time to live → {@code EXPIRED};
 *   <li>in the control group → {@code CONTROL_GROUP};
 *   <li>the template does not render → {@code RENDER_FAILED};
 *   <li>the delivery key was already claimed → skipped (a duplicate is never sent or counted
 *       twice).
 * </ol>
 * Gates 4 to 9 run under a per-player lock, so a cap check and the claim are one step within the
 * process. Right before each provider call the device is read again: if it is no longer ALLOWED or
 * no longer owns the address (an account switch), the delivery is suppressed with its status.
 *
 * <h2>Pause, cancel, close</h2>
 * Once {@link dev.herald.dispatch.DispatchHandle#pause()} or
 * {@link dev.herald.dispatch.DispatchHandle#cancel()} returns, no provider call of the run starts
 * — calls queued for a provider slot included; calls already on the wire finish. A cancel records
 * every delivery it cut off (claimed, queued, throttled, waiting for a retry or for quiet hours to
 * end) as {@code CANCELLED}, and each player of the audience it never reached as a player-level
 * {@code CANCELLED} record, so the run's statistics count the whole audience. Closing Herald stops
 * runs without recording anything: the progress cursor advances only over players whose
 * deliveries are all settled, so the run that resumes the step (a campaign's
 * {@code recover()}) reads every player not settled again and sends what is still claimed.
 *
 * <h2>At most once</h2>
 * Each delivery is claimed in the {@link dev.herald.spi.DeliveryStore} when it passes the gates
 * (CLAIMED), and marked SENDING as its provider call starts — not while it waits for a throttle
 * slot or in a provider's queue. A run that is interrupted (the process killed) resumes from the
 * store: settled deliveries are skipped, CLAIMED ones (never handed to a provider) are sent, and
 * SENDING ones are reported as failed with reason {@code UNKNOWN} — the push service may or may
 * not have them — never silently dropped and never re-sent. That is the price of at most once:
 * after a crash, the messages whose call had started (at most the providers' in-flight bound, plus
 * those waiting for a retry) are of unknown fate.
 * Run a given campaign step on one node at a time.
 */
package dev.herald.dispatch;
