// Browser tests of the check, in headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core (which gives each context a fresh profile), run by node's test runner:
//
//   cargo build -p spotter-server --example serve && node --test crates/spotter-server/tests/browser/
//
// Each test walks the check as a person would, with JavaScript off (the pages need none),
// answering from the example intakes; any request to a host other than the server fails the
// test. Screenshots at phone width (360 px) go to docs/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const serveBin = process.env.SPOTTER_SERVE_BIN ?? join(root, 'target', 'debug', 'examples', 'serve');
const chromiumBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
const fixture = (name) => JSON.parse(readFileSync(join(root, 'examples', name), 'utf8'));

let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(serveBin), `${serveBin} is missing: run cargo build -p spotter-server --example serve`);
  server = spawn(serveBin, ['127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(out.slice(0, nl));
        m ? resolve(m[1]) : reject(new Error(`first line: ${out.slice(0, nl)}`));
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumBin,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    const { code } = await exited;
    assert.equal(code, 0, 'SIGTERM stops the server cleanly');
  }
});

/// A phone-sized page with JavaScript off that fails on any request to another host.
async function phonePage(t) {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, javaScriptEnabled: false });
  const foreign = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base + '/')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  t.after(async () => {
    await context.close();
    assert.deepEqual(foreign, [], 'every request goes to the server itself');
  });
  return context.newPage();
}

/// Answers every question on the page from `answers` (by the inputs' item-id names) and
/// presses the step's one submit button. Returns the item ids asked.
async function answerStep(page, answers) {
  const ids = await page.locator('fieldset.q').evaluateAll((fs) => fs.map((f) => f.id.slice(2)));
  for (const id of ids) {
    const value = answers[id];
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    const number = page.locator(`input[type=number][name="${id}"]`);
    if (await number.count()) {
      await number.fill(String(value));
      continue;
    }
    for (const v of values) {
      await page.locator(`input[name="${id}"][value="${String(v)}"]`).check();
    }
  }
  const submit = page.locator('main button[type=submit]');
  assert.equal(await submit.count(), 1, 'one submit button per step');
  await Promise.all([page.waitForLoadState('load'), submit.click()]);
  return ids;
}

/// Walks the check until a page without questions.
async function walk(page, answers) {
  await page.goto(base + '/check');
  const asked = [];
  for (let i = 0; i < 40 && (await page.locator('fieldset.q').count()) > 0; i++) {
    asked.push(...(await answerStep(page, answers)));
  }
  return asked;
}

test('an emergency answer ends the check and shows the call script first, in the largest type', async (t) => {
  const page = await phonePage(t);
  await page.goto(base + '/check');
  await page.screenshot({ path: join(root, 'docs', 'web-check-360.png'), fullPage: true });
  const asked = await walk(page, fixture('intake-emergency.json'));
  assert.ok(asked.includes('saddle_numbness'));
  assert.ok(!asked.includes('fever'), 'questions after the emergency answer are not asked');
  assert.equal(await page.locator('[data-tier]').getAttribute('data-tier'), 'emergency');
  assert.ok(await page.locator('[data-rule="E1"]').count() > 0);
  // The call script is the first text on the page and the largest.
  const first = await page.evaluate(() => {
    // No filter callback: page scripts are off, so only the walk itself runs.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let n = walker.nextNode();
    while (n && !n.textContent.trim()) n = walker.nextNode();
    return n.parentElement.className;
  });
  assert.equal(first, 'call-script');
  const sizes = await page.evaluate(() => {
    const size = (el) => parseFloat(getComputedStyle(el).fontSize);
    const script = size(document.querySelector('.call-script'));
    const others = [...document.querySelectorAll('body *')].filter((el) => !el.closest('.call-script') && el.textContent.trim()).map(size);
    return { script, largestOther: Math.max(...others) };
  });
  assert.ok(sizes.script > sizes.largestOther, `call script ${sizes.script}px vs ${sizes.largestOther}px`);
  // Nothing overflows the phone's width.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `page is ${wide}px wide`);
  await page.screenshot({ path: join(root, 'docs', 'web-emergency-360.png'), fullPage: true });
});

test('an urgent story gives the same-day result, its reasons, and no training plan', async (t) => {
  const page = await phonePage(t);
  await walk(page, fixture('intake-urgent.json'));
  assert.equal(await page.locator('[data-tier]').getAttribute('data-tier'), 'urgent');
  assert.ok(await page.locator('[data-rule="U5"]').count() === 1, 'pain worse on coughing or sneezing');
  assert.equal(await page.locator('form[action="/check"] button, form[action="/plan"] button').count(), 0, 'no way on to a plan at urgent');
  assert.equal(await page.getByRole('button').count(), 1, 'only the offer to save the check in the diary');
  assert.equal(await page.locator('form[action="/diary/check"] button[type="submit"]').count(), 1);
  assert.equal(await page.locator('.call-script').count(), 0);
});

test('a self-care story goes on to the causes and the plan, and the plan offers the PDF card', async (t) => {
  const page = await phonePage(t);
  await walk(page, fixture('intake-self-care.json'));
  assert.equal(await page.locator('[data-tier]').getAttribute('data-tier'), 'self_care');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Find the causes and get my plan' }).click()]);
  // Walk the cause finder's questions (left blank but for today's lift).
  for (let i = 0; i < 20 && (await page.locator('fieldset.q').count()) > 0; i++) {
    await answerStep(page, { exercises_today: ['back_squat'], pain_exercise: 'back_squat' });
  }
  assert.ok(await page.getByRole('heading', { name: 'What may have caused it' }).count() === 1);
  assert.equal(await page.locator('section.block').count(), 5);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Printable plan' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/plan');
  assert.equal(await page.locator('section.block').count(), 5);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the card (PDF)' }).click();
  const file = await (await download).path();
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  await page.screenshot({ path: join(root, 'docs', 'web-plan-360.png'), fullPage: true });
  // Printed, the plan is one A5 page without the app's menus and buttons.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('main form').first().isVisible(), false);
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 1, `the printed plan takes ${pages} pages`);
});

mkdirSync(join(root, 'docs'), { recursive: true });

// axe-core on every page, at phone and desktop width: no serious or critical violation.
const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

async function axeViolations(page) {
  // Injected by the test only (the context bypasses the page's CSP for it).
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(result.passes.length > 10, 'axe ran its checks');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation on any page, at 360 px and at desktop width', async () => {
  const selfCare = fixture('intake-self-care.json');
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(selfCare)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, String(x));
  const pages = [
    ['home', (p) => p.goto(base + '/'), '.notice li'],
    ['check', (p) => p.goto(base + '/check'), 'fieldset.q'],
    ['emergency result', (p) => p.goto(base + '/check').then(() => postForm(p, '/check', 'bladder_difficulty_starting=true')), '[data-tier="emergency"] .call-script'],
    ['self-care result', (p) => p.goto(base + '/check').then(() => postForm(p, '/check', form.toString())), '[data-tier="self_care"]'],
    ['plan', (p) => p.goto(base + '/check').then(() => postForm(p, '/plan', form.toString())), 'section.block'],
    ['plan start', (p) => p.goto(base + '/plan'), 'a[href="/check"]'],
    ['not found', (p) => p.goto(base + '/nothing-here'), '.error'],
    ['diary', (p) => p.goto(base + '/diary'), 'form.diary-form'],
    ['warm-up player', (p) => p.goto(base + '/check').then(() => postForm(p, '/warmup', form.toString())), '#player-start'],
  ];
  const found = [];
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
    for (const [name, open, expected] of pages) {
      const page = await context.newPage();
      await open(page);
      assert.ok((await page.locator(expected).count()) > 0, `${name}: ${expected} not on the page`);
      for (const v of await axeViolations(page)) found.push(`${name} at ${width} px: ${v}`);
      await page.close();
    }
    await context.close();
  }
  assert.deepEqual(found, []);
});

/// Submits a form the way the page's own forms do (a same-origin POST navigation).
async function postForm(page, path, body) {
  const loaded = page.waitForEvent('load');
  await page.evaluate(([action, fields]) => {
    const f = document.createElement('form');
    f.method = 'post';
    f.action = action;
    for (const [k, v] of new URLSearchParams(fields)) {
      const i = document.createElement('input');
      i.type = 'hidden';
      i.name = k;
      i.value = v;
      f.append(i);
    }
    document.body.append(f);
    f.submit();
  }, [path, body]);
  await loaded;
}

test('the diary logs a day in a few taps without JavaScript and shows the record with its alerts on top', async (t) => {
  // The seed story's week, logged through the API as the pages' own scripts would.
  const seed = fixture('diary-seed-story.json');
  for (const e of seed.entries) {
    const r = await fetch(base + '/api/v1/diary?replace=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(e) });
    assert.equal(r.status, 201, await r.text());
  }
  for (const c of seed.checks) {
    const r = await fetch(`${base}/api/v1/checks?date=${c.date}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.answers) });
    assert.equal(r.status, 201, await r.text());
  }
  const page = await phonePage(t);
  await page.goto(base + '/diary');
  // The alert comes first: three rest days without improvement, book a professional.
  const first = await page.locator('li.alert').first().getAttribute('data-alert');
  assert.ok(['no_improvement_after_rest', 'red_flag', 'tier_raised'].includes(first), first);
  assert.equal(await page.locator('[data-alert="no_improvement_after_rest"]').count(), 1);
  assert.equal(await page.locator('.diary-status [data-tier="see_professional"]').count(), 1);
  assert.equal(await page.locator('figure.chart svg circle').count(), seed.entries.length);
  await page.screenshot({ path: join(root, 'docs', 'web-diary-360.png'), fullPage: true });
  // Log today: a few taps and the submit button.
  await page.locator('label[for="pain_now-3"]').click();
  await page.locator('label[for="trained-0"]').click();
  await page.locator('input[name="exercises"][value="back_squat"]').check();
  await page.locator('label[for="warmed_up-0"]').click();
  await page.locator('label[for="pain_after_training-2"]').click();
  await Promise.all([page.waitForURL(/\/diary\?saved=/), page.locator('form.diary-form button[type="submit"]').click()]);
  assert.match(await page.locator('.saved').innerText(), /Saved: your entry for/);
  const list = await (await fetch(base + '/api/v1/diary')).json();
  const last = list.entries[list.entries.length - 1];
  assert.deepEqual([last.pain_now, last.trained, last.exercises, last.warmed_up, last.pain_after_training], [3, true, ['back_squat'], true, 2]);
});

test('the warm-up player runs on wall-clock deadlines, with get-ready, side-switch and end cues, and the screen kept awake', async (t) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  t.after(() => context.close());
  // Record the cues the device would give: vibrations, wake-lock requests.
  await context.addInitScript(() => {
    window.__vibrations = [];
    window.__wakeRequests = 0;
    navigator.vibrate = (p) => { window.__vibrations.push(p); return true; };
    Object.defineProperty(navigator, 'wakeLock', {
      configurable: true,
      value: {
        request: async () => {
          window.__wakeRequests += 1;
          const lock = new EventTarget();
          lock.release = async () => { lock.dispatchEvent(new Event('release')); };
          window.__lock = lock;
          return lock;
        },
      },
    });
    window.__setVisible = (visible) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
  const page = await context.newPage();
  await page.clock.install({ time: new Date('2026-12-04T17:45:00') });
  const selfCare = fixture('intake-self-care.json');
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(selfCare)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, String(x));
  await page.goto(base + '/plan');
  await postForm(page, '/warmup', form.toString());
  const routine = JSON.parse(await page.locator('#player').getAttribute('data-routine'));
  const text = (id) => page.locator(id).innerText();
  assert.equal(await text('#player-step'), 'Get ready', 'before the start the player shows the get-ready step');

  await page.locator('#player-start').click();
  assert.equal(await text('#player-step'), 'Get ready');
  assert.equal(await text('#player-clock'), '0:05');
  assert.equal(await page.evaluate(() => window.__wakeRequests), 1, 'the screen is kept awake from the start');
  await page.clock.runFor(2000);
  assert.equal(await text('#player-clock'), '0:03');
  // The first drill: its name, its cue and a vibration.
  await page.clock.runFor(3100);
  assert.equal(await text('#player-step'), `Drill 1 of ${routine.drills.length}`);
  assert.equal(await text('#now-title'), routine.drills[0].name);
  assert.match(await text('#player-cue'), new RegExp('^Now: ' + routine.drills[0].name));
  assert.equal(await page.evaluate(() => window.__vibrations.length), 1);
  await page.screenshot({ path: join(root, 'docs', 'web-warmup-360.png'), fullPage: true });

  // The side switch of the first per-side drill.
  const right = routine.steps.findIndex((s) => s.side === 'right side');
  assert.ok(right > 0, 'the warm-up has a per-side drill');
  const now = () => page.evaluate(() => Date.now());
  const t0 = (await now()) - routine.steps[1].start_ms; // wall-clock time of the routine's zero
  await page.clock.runFor(t0 + routine.steps[right].start_ms + 300 - (await now()));
  assert.match(await text('#player-cue'), /^Switch sides: now the right side/);
  assert.equal(await text('#player-side'), 'The right side');

  // Hidden for a while (the browser throttles timers and drops the wake lock): on return the
  // player shows the step the clock says, and asks for the wake lock again.
  await page.evaluate(() => { window.__setVisible(false); return window.__lock.release(); });
  const target = Math.min(routine.steps.length - 2, right + 3);
  await page.clock.fastForward(t0 + routine.steps[target].start_ms + 1000 - (await now()));
  await page.evaluate(() => window.__setVisible(true));
  const s = routine.steps[target];
  assert.equal(await text('#now-title'), routine.drills[s.drill].name, 'right again at once after the tab comes back');
  assert.equal(await page.evaluate(() => window.__wakeRequests), 2, 'the wake lock is asked for again');

  // Pause holds the clock; skip goes to the next step; back to this step's start.
  await page.locator('#player-pause').click();
  const held = await text('#player-clock');
  await page.clock.runFor(10000);
  assert.equal(await text('#player-clock'), held);
  await page.locator('#player-pause').click();
  await page.locator('#player-skip').click();
  const afterSkip = routine.steps[target + 1];
  assert.equal(await text('#player-clock'), `${Math.floor(afterSkip.length_ms / 60000)}:${String(Math.round(afterSkip.length_ms / 1000) % 60).padStart(2, '0')}`);
  await page.clock.runFor(3000);
  await page.locator('#player-back').click();
  assert.equal(await text('#now-title'), routine.drills[afterSkip.drill].name);

  // The end: sound, vibration and a flash, once.
  const vibrationsBefore = await page.evaluate(() => {
    window.__flashed = false;
    new MutationObserver(() => { if (document.body.classList.contains('player-flash')) window.__flashed = true; })
      .observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return window.__vibrations.length;
  });
  await page.clock.runFor(routine.total_ms);
  assert.match(await text('#player-cue'), /^Done/);
  assert.equal(await text('#player-step'), 'Finished');
  assert.ok(await page.evaluate(() => window.__flashed), 'the screen flashes');
  const vibrations = await page.evaluate(() => window.__vibrations);
  assert.deepEqual(vibrations[vibrations.length - 1], [300, 150, 300, 150, 600], 'the end vibration');
  assert.ok(vibrations.length > vibrationsBefore);
  assert.ok(!(await page.evaluate(() => document.body.classList.contains('player-flash'))), 'the flash is brief');
});
