// Spotter's guided warm-up player (the /warmup page). Written for Spotter; no third-party code.
//
// The timeline (steps, times, drills, cues) comes from the server in data-routine, made by the
// same Rust timer as `spotter warmup`; this script only plays it:
// - time runs from wall-clock deadlines (Date.now()), never from counting ticks, so the display is
//   right again the moment a hidden tab comes back, and steps that ended meanwhile are passed;
// - a get-ready countdown, a cue when a per-side drill changes side, a cue at each new drill, and
//   at the end a sound, a vibration (where the device has one) and a screen flash;
// - pause, skip and back; the space bar pauses, the arrow keys go back and skip;
// - the screen is kept awake with the Wake Lock API, asked for again when the tab is shown again.
(() => {
  'use strict';
  const root = document.getElementById('player');
  if (!root) return;
  let routine;
  try {
    routine = JSON.parse(root.dataset.routine);
  } catch (e) {
    return;
  }
  const steps = routine.steps;
  const $ = (id) => document.getElementById(id);
  const ui = {
    step: $('player-step'), name: $('now-title'), side: $('player-side'), clock: $('player-clock'), cue: $('player-cue'),
    cues: $('player-cues'), next: $('player-next'), start: $('player-start'), back: $('player-back'), pause: $('player-pause'),
    skip: $('player-skip'), total: $('player-total'), wake: $('player-wake'),
  };
  root.hidden = false;

  // Elapsed time = what ran before the last (re)start + wall-clock time since it.
  let base = 0;
  let since = null; // Date.now() when running, null when paused or not started
  let started = false;
  let finished = false;
  let shown = -2; // the step on display (-1 before the start)
  let timer = null;
  let audio = null;
  let wakeLock = null;

  const elapsed = () => Math.min(routine.total_ms, base + (since === null ? 0 : Date.now() - since));
  const stepAt = (t) => {
    for (let i = 0; i < steps.length; i++) if (t < steps[i].start_ms + steps[i].length_ms) return i;
    return steps.length;
  };
  const clock = (ms) => {
    const s = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };

  function beep(freq, ms) {
    if (!audio) return;
    try {
      const o = audio.createOscillator();
      const g = audio.createGain();
      o.frequency.value = freq;
      g.gain.value = 0.25;
      o.connect(g).connect(audio.destination);
      o.start();
      o.stop(audio.currentTime + ms / 1000);
    } catch (e) { /* no sound on this device */ }
  }
  const vibrate = (pattern) => { if (navigator.vibrate) navigator.vibrate(pattern); };
  function flash() {
    document.body.classList.add('player-flash');
    setTimeout(() => document.body.classList.remove('player-flash'), 900);
  }
  function say(text) {
    ui.cue.textContent = text;
  }

  // What to announce when the display moves from step `from` to step `to`: only the latest
  // change is announced when several passed while the tab was hidden.
  function announce(from, to) {
    if (to >= steps.length) {
      say('Done: the warm-up is over. Go and lift well.');
      beep(880, 600);
      vibrate([300, 150, 300, 150, 600]);
      flash();
      return;
    }
    const s = steps[to];
    if (s.kind === 'get_ready') return;
    const prev = to > 0 ? steps[to - 1] : null;
    if (prev && prev.drill === s.drill && s.side) {
      say(`Switch sides: now the ${s.side}.`);
      beep(660, 250);
      vibrate(200);
    } else {
      say(`Now: ${routine.drills[s.drill].name}.`);
      beep(520, 350);
      vibrate([150, 100, 150]);
    }
  }

  function render() {
    const t = elapsed();
    const i = stepAt(t);
    if (i !== shown) {
      if (started && shown !== -2) announce(shown, i);
      shown = i;
      ui.cues.textContent = '';
      if (i >= steps.length) {
        ui.step.textContent = 'Finished';
        ui.name.textContent = 'Warm-up done';
        ui.side.textContent = '';
        ui.next.textContent = '';
      } else {
        const s = steps[i];
        const drillCount = routine.drills.length;
        if (s.kind === 'get_ready') {
          ui.step.textContent = 'Get ready';
          ui.name.textContent = `First: ${routine.drills[0].name}`;
          ui.side.textContent = '';
        } else {
          const d = routine.drills[s.drill];
          ui.step.textContent = `Drill ${s.drill + 1} of ${drillCount}`;
          ui.name.textContent = d.name;
          ui.side.textContent = s.side ? `The ${s.side}` : '';
          for (const c of d.cues.slice(0, 2)) {
            const li = document.createElement('li');
            li.textContent = c;
            ui.cues.append(li);
          }
          if (d.caution) {
            const li = document.createElement('li');
            li.className = 'caution';
            li.textContent = `Careful: ${d.caution}`;
            ui.cues.append(li);
          }
        }
        const nextDrill = steps.slice(i + 1).find((n) => n.kind === 'drill' && n.drill !== s.drill);
        ui.next.textContent = nextDrill ? `Then: ${routine.drills[nextDrill.drill].name}` : 'Then: done';
      }
    }
    const s = steps[i];
    ui.clock.textContent = s ? clock(s.start_ms + s.length_ms - t) : '0:00';
    ui.total.textContent = `${clock(routine.total_ms - t)} left in the warm-up`;
    if (i >= steps.length && !finished) finish();
  }

  function finish() {
    finished = true;
    base = routine.total_ms;
    since = null;
    clearInterval(timer);
    timer = null;
    ui.pause.disabled = true;
    ui.skip.disabled = true;
    ui.start.hidden = false;
    ui.start.textContent = 'Start again';
    releaseWake();
  }

  async function keepAwake() {
    if (!('wakeLock' in navigator)) {
      ui.wake.textContent = 'This browser cannot keep the screen awake: touch it now and then so it does not lock.';
      return;
    }
    try {
      wakeLock = await navigator.wakeLock.request('screen');
      ui.wake.textContent = 'The screen stays awake while the warm-up runs.';
      wakeLock.addEventListener('release', () => { wakeLock = null; });
    } catch (e) {
      ui.wake.textContent = 'The screen could not be kept awake: touch it now and then so it does not lock.';
    }
  }
  function releaseWake() {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  function run() {
    since = Date.now();
    if (!timer) timer = setInterval(render, 200);
    ui.pause.textContent = 'Pause';
    keepAwake();
    render();
  }
  function pause() {
    base = elapsed();
    since = null;
    ui.pause.textContent = 'Resume';
    say('Paused.');
    releaseWake();
    render();
  }
  function jumpTo(ms) {
    const running = since !== null;
    base = Math.max(0, Math.min(routine.total_ms, ms));
    since = running ? Date.now() : null;
    render();
  }

  ui.start.addEventListener('click', () => {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    }
    base = 0;
    finished = false;
    started = true;
    shown = -1;
    ui.start.hidden = true;
    ui.back.disabled = false;
    ui.pause.disabled = false;
    ui.skip.disabled = false;
    say(steps[0].kind === 'get_ready' ? 'Get ready.' : '');
    run();
  });
  ui.pause.addEventListener('click', () => (since === null ? run() : pause()));
  ui.skip.addEventListener('click', () => {
    const i = stepAt(elapsed());
    if (i < steps.length) jumpTo(steps[i].start_ms + steps[i].length_ms);
  });
  ui.back.addEventListener('click', () => {
    const t = elapsed();
    const i = Math.min(stepAt(t), steps.length - 1);
    // Within the first 2 s of a step, back goes to the step before; otherwise to this step's start.
    const target = t - steps[i].start_ms > 2000 || i === 0 ? steps[i].start_ms : steps[i - 1].start_ms;
    if (finished) {
      finished = false;
      ui.start.hidden = true;
      ui.pause.disabled = false;
      ui.skip.disabled = false;
      timer = setInterval(render, 200);
    }
    jumpTo(target);
  });
  document.addEventListener('keydown', (e) => {
    if (!started || e.target.closest('input, textarea, select')) return;
    if (e.key === ' ' && !e.target.closest('button')) { e.preventDefault(); ui.pause.click(); }
    if (e.key === 'ArrowRight') ui.skip.click();
    if (e.key === 'ArrowLeft') ui.back.click();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    render();
    if (since !== null && !finished && !wakeLock) keepAwake();
  });
  render();
})();
