/**
 * /scambi/annunci/<id> — one listing: what, who (first name), how long; "Proponi uno
 * scambio" (time and a first message) for the others, "Segnala" (to the moderators);
 * its owner closes, reopens or withdraws it.
 */

import { ApiError, type Me } from '../api'
import { busy, clearErrors, formValues, showApiError, showErrors, statusRegion } from '../forms'
import { html, setHtml, type Safe } from '../html'
import { formatDateTime, t } from '../i18n'
import { alertBox, loadingView, setTitle } from '../layout'
import { errorMessage, notFoundPage } from '../pages/common'
import { askToConfirm, breadcrumb, errorView, pageStatus, requireUser, textareaField } from '../pages/scaffold'
import { navigate, type PageContext } from '../router'
import { market, type Category, type Listing } from './api'
import { categoryName, duration, durationErrors, durationField, durationValue, firstName, flagDone, flagForm, kindBadge } from './common'
import { mt, mtf } from './i18n'

const PROPOSE = 'propose'
const FLAG = 'flag'

function paragraphs(text: string): Safe[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p class="qc-prewrap">${p}</p>`)
}

function factsView(listing: Listing, categories: Map<string, Category>): Safe {
  const fact = (label: string, value: string, cls: string): Safe =>
    html`<div><dt>${label}</dt><dd class="${cls}">${value}</dd></div>`
  return html`<dl class="qc-facts qc-listing-facts">
    ${fact(mt('factCategory'), categoryName(categories, listing.category), 'qc-fact-category')}
    ${fact(
      mt('factWho'),
      listing.mine ? mt('you') : firstName(listing.owner.display_name),
      'qc-fact-owner',
    )}
    ${listing.minutes_estimate
      ? fact(mt('factEstimate'), mtf('aboutDuration', { d: duration(listing.minutes_estimate) }), 'qc-fact-minutes')
      : ''}
    ${fact(mt('factPublished'), formatDateTime(listing.created_at), 'qc-fact-date')}
  </dl>`
}

function proposeForm(listing: Listing): Safe {
  const name = firstName(listing.owner.display_name)
  return html`<section class="qc-panel qc-propose" aria-labelledby="${PROPOSE}-heading">
    <h2 class="h4" id="${PROPOSE}-heading">${mt('proposeHeading')}</h2>
    <p>${listing.kind === 'offer' ? mtf('proposeOfferIntro', { name }) : mtf('proposeRequestIntro', { name })}</p>
    <form id="${PROPOSE}" class="qc-form qc-form-compact" novalidate>
      ${statusRegion(PROPOSE)}
      ${durationField(PROPOSE, mt('proposeDurationLegend'), listing.minutes_estimate ?? 60, mt('proposeDurationHelp'))}
      ${textareaField(PROPOSE, 'message', mtf('proposeMessageLabel', { name }), {
        help: mt('proposeMessageHelp'),
        required: true,
        rows: 4,
        maxlength: 2000,
      })}
      <button type="submit" class="btn btn-primary qc-submit">${mt('proposeSubmit')}</button>
    </form>
  </section>`
}



function ownerView(listing: Listing): Safe {
  return html`<section class="qc-panel qc-owner-actions" aria-labelledby="owner-heading">
    <h2 class="h4" id="owner-heading">${mt('ownerHeading')}</h2>
    <p>${listing.status === 'open' ? mt('ownerOpenHelp') : mt('ownerClosedHelp')}</p>
    <div class="qc-actions">
      ${listing.status === 'open'
        ? html`<button type="button" class="btn btn-outline-primary" data-owner="close">${mt('closeListing')}</button>`
        : html`<button type="button" class="btn btn-outline-primary" data-owner="open">${mt('reopenListing')}</button>`}
      <button type="button" class="btn btn-outline-danger" data-owner="withdraw">${mt('withdrawListing')}</button>
    </div>
    <div class="qc-confirm-slot" id="owner-confirm" hidden></div>
    <p><a href="/scambi/miei">${mt('seeProposals')}</a></p>
  </section>`
}

function pageView(listing: Listing, categories: Map<string, Category>): Safe {
  const canPropose = !listing.mine && listing.status === 'open' && !listing.hidden
  return html`<div class="container py-4 qc-narrow">
    ${breadcrumb([{ href: '/scambi', label: mt('marketTitle') }, { label: listing.title }])}
    ${pageStatus('listing-status')}
    <h1 class="qc-listing-heading">${listing.title}</h1>
    <p class="qc-badges">
      ${kindBadge(listing.kind)}
      ${listing.status === 'closed' ? html`<span class="qc-badge">${mt('listingClosedBadge')}</span>` : ''}
      ${listing.hidden ? html`<span class="qc-badge qc-badge-late">${mt('hiddenBadge')}</span>` : ''}
    </p>
    ${listing.hidden ? alertBox('info', mt('hiddenExplained')) : ''}
    ${listing.status === 'closed' && !listing.mine ? alertBox('info', mt('closedExplained')) : ''}
    ${factsView(listing, categories)}
    <section class="qc-section" aria-labelledby="description-heading">
      <h2 class="h4" id="description-heading">${mt('descriptionHeading')}</h2>
      ${paragraphs(listing.description)}
    </section>
    ${listing.mine ? ownerView(listing) : ''}
    ${canPropose ? proposeForm(listing) : ''}
    ${listing.mine ? '' : flagForm(FLAG, mt('flagListingSummary'), mt('flagListingHelp'))}
  </div>`
}

export async function listingPage(ctx: PageContext): Promise<void> {
  const { main, signal, params } = ctx
  if (!/^\d{1,9}$/.test(params.listing_id ?? '')) {
    notFoundPage(ctx)
    return
  }
  const listingId = Number(params.listing_id)
  setTitle(mt('listingTitle'))
  setHtml(main, loadingView())
  let me: Me | null
  let listing: Listing
  let categories: Category[]
  try {
    me = await requireUser(ctx)
    if (!me) return
    ;[listing, categories] = await Promise.all([market.listing(listingId, signal), market.categories()])
  } catch (err) {
    if (signal.aborted) throw err
    setHtml(main, errorView(mt('listingTitle'), err))
    return
  }
  if (signal.aborted) return
  const byCode = new Map(categories.map((c) => [c.code, c]))
  setTitle(listing.title)
  setHtml(main, pageView(listing, byCode))
  const status = main.querySelector<HTMLElement>('#listing-status') as HTMLElement
  if (ctx.flash) setHtml(status, alertBox('success', ctx.flash))

  // --- propose ---------------------------------------------------------------------------
  const propose = main.querySelector<HTMLFormElement>(`#${PROPOSE}`)
  propose?.addEventListener('submit', (event) => {
    event.preventDefault()
    const v = formValues(propose)
    const minutes = durationValue(v)
    const message = (v.message ?? '').trim()
    const wrong: Record<string, string[]> = {}
    if (minutes < 1) wrong.hours = [mt('durationZero')]
    else if (minutes > 1440) wrong.hours = [mt('durationTooLong')]
    if (!message) wrong.message = [t('required')]
    if (Object.keys(wrong).length) {
      showErrors(propose, t('formHasErrors'), wrong)
      return
    }
    clearErrors(propose)
    void busy(propose, async () => {
      try {
        const exchange = await market.propose({ listing_id: listingId, minutes, message })
        navigate(`/scambi/${exchange.id}`, { flash: mt('proposalSent') })
      } catch (err) {
        showApiError(propose, err instanceof ApiError ? new ApiError(err.status, err.message, durationErrors(err.fields)) : err)
      }
    })
  })

  // --- flag ------------------------------------------------------------------------------
  const flag = main.querySelector<HTMLFormElement>(`#${FLAG}`)
  flag?.addEventListener('submit', (event) => {
    event.preventDefault()
    const reason = (formValues(flag).reason ?? '').trim()
    if (reason.length < 3) {
      showErrors(flag, t('formHasErrors'), { reason: [mt('flagReasonShort')] })
      return
    }
    clearErrors(flag)
    void busy(flag, async () => {
      try {
        await market.flagListing(listingId, reason)
      } catch (err) {
        showApiError(flag, err)
        return
      }
      flagDone(flag, mt('flagSent'))
    })
  })

  // --- owner -----------------------------------------------------------------------------
  const confirmSlot = main.querySelector<HTMLElement>('#owner-confirm')
  main.querySelector('.qc-owner-actions')?.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-owner]')
    if (!button || !confirmSlot) return
    const action = button.dataset.owner
    const run = async (): Promise<void> => {
      try {
        if (action === 'withdraw') {
          await market.withdrawListing(listingId)
          navigate('/scambi/miei', { flash: mt('listingWithdrawn') })
          return
        }
        await market.setListingStatus(listingId, action === 'close' ? 'closed' : 'open')
        navigate(`/scambi/annunci/${listingId}`, {
          replace: true,
          flash: action === 'close' ? mt('listingClosed') : mt('listingReopened'),
        })
      } catch (err) {
        setHtml(status, alertBox('danger', errorMessage(err)))
        status.scrollIntoView({ block: 'nearest' })
      }
    }
    if (action === 'withdraw') askToConfirm(confirmSlot, mt('withdrawConfirm'), mt('withdrawYes'), run, button)
    else void run()
  })
}
