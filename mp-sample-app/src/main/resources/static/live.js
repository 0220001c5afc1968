'use strict';
// The sample's live page: reads /actuator/processes every second and shows the pools, the live and the recently
// exited child JVMs, and a chart of the last minutes; the demo buttons call the sample's endpoints and show their
// answers. Every text from the server goes into the page as text (textContent, text nodes), never as markup.

const POLL_MILLIS = 1000;
const HISTORY_MILLIS = 5 * 60_000;
// the chart spans the history it has, from one minute up to five
const SHORTEST_SPAN_MILLIS = 60_000;
const EXITED_SHOWN = 6;
const RESULTS_SHOWN = 6;
const MIB = 1024 * 1024;

const number = new Intl.NumberFormat('en');

/** One per poll: when, how many processes were busy, how many tasks finished since the poll before. */
const samples = [];

/** What the last poll saw of each process, by id: its tasks done and CPU time, to count and rate the changes. */
let previous = null;

function element(tag, attributes, ...children) {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		if (value != null) {
			node.setAttribute(name, value);
		}
	}
	// strings become text nodes: nothing the server says is parsed as markup
	node.append(...children.filter((child) => child != null));
	return node;
}

function muted(text) {
	return element('span', { class: 'muted' }, text);
}

/** The seconds of an ISO-8601 duration as Java's Duration writes it (PT1H2M3.5S), or null. */
function seconds(duration) {
	const parts = /^PT(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?$/.exec(duration || '');
	return parts ? (Number(parts[1] || 0) * 3600 + Number(parts[2] || 0) * 60 + Number(parts[3] || 0)) : null;
}

function formatSeconds(value) {
	if (value < 9.95) {
		return value.toFixed(1) + ' s';
	}
	if (value < 60) {
		return Math.floor(value) + ' s';
	}
	const minutes = Math.floor(value / 60);
	if (minutes < 60) {
		return minutes + ' min ' + Math.floor(value % 60) + ' s';
	}
	return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

function formatMillis(millis) {
	return (millis < 1000) ? Math.round(millis) + ' ms' : formatSeconds(millis / 1000);
}

/** "1 task", "2 tasks". */
function counted(count, noun) {
	return number.format(count) + ' ' + noun + (count === 1 ? '' : 's');
}

function mebibytes(bytes) {
	return number.format(Math.round(bytes / MIB)) + ' MiB';
}

function bar(fraction, kind) {
	const fill = element('span', {});
	fill.style.width = Math.round(Math.max(0, Math.min(1, fraction)) * 100) + '%';
	return element('div', { class: 'bar ' + kind }, fill);
}

function busy(process) {
	return process.alive && (process.state === 'BUSY' || process.state === 'RUNNING');
}

// ---- the listing ----

async function poll() {
	try {
		const response = await fetch('actuator/processes', { cache: 'no-store' });
		if (!response.ok) {
			throw new Error('HTTP ' + response.status);
		}
		render(await response.json());
		setStatus('live', 'live · ' + new Date().toLocaleTimeString('en-GB'));
	}
	catch (error) {
		setStatus('offline', 'cannot read /actuator/processes (' + error.message + '), trying again');
	}
	finally {
		setTimeout(poll, POLL_MILLIS);
	}
}

function setStatus(kind, text) {
	const status = document.getElementById('status');
	status.className = 'status ' + kind;
	status.textContent = text;
}

function render(listing) {
	const now = performance.now();
	const seen = new Map();
	let finished = 0;
	for (const process of listing.processes) {
		const cpu = seconds(process.cpuTime);
		const before = previous && previous.get(process.id);
		if (previous) {
			// a process first seen now started since the poll before: all its tasks are new
			finished += process.tasksCompleted - (before ? before.tasks : 0);
		}
		process.cpuShare = (before && cpu != null && before.cpu != null && now > before.at)
			? (cpu - before.cpu) / ((now - before.at) / 1000) : null;
		seen.set(process.id, { tasks: process.tasksCompleted, cpu, at: now });
	}
	previous = seen;
	const live = listing.processes.filter((process) => process.alive);
	samples.push({ time: Date.now(), busy: live.filter(busy).length, finished });
	while (samples.length && samples[0].time < Date.now() - HISTORY_MILLIS) {
		samples.shift();
	}
	renderPools(listing.pools, live);
	renderLive(live);
	renderExited(listing.processes.filter((process) => !process.alive));
	drawChart();
}

function renderPools(pools, live) {
	const resident = live.reduce((sum, process) => sum + (process.residentMemory ?? 0), 0);
	const tasks = live.reduce((sum, process) => sum + process.tasksCompleted, 0);
	document.getElementById('totals').textContent = `${counted(live.length, 'live child JVM')},`
		+ ` ${mebibytes(resident)} resident in all · ${counted(tasks, 'task')} done by them`;
	document.getElementById('pools').replaceChildren(...pools.map((pool) => {
		const busyWorkers = live.filter((process) => process.pool === pool.name && busy(process)).length;
		const facts = `${pool.workers} of ${counted(pool.size, 'worker')} · ${busyWorkers} busy`
			+ ` · ${pool.queued} queued · ${number.format(pool.workersReplaced)} replaced`;
		return element('div', { class: 'pool', 'data-pool': pool.name }, element('strong', {}, pool.name),
			muted(facts), pool.startFailure ? element('div', { class: 'failure' }, pool.startFailure) : null);
	}));
}

/** Pool workers by pool, then single processes; each in the order it started. */
function byPoolThenAge(a, b) {
	if ((a.pool == null) !== (b.pool == null)) {
		return (a.pool == null) ? 1 : -1;
	}
	return (a.pool || '').localeCompare(b.pool || '') || (Date.parse(a.startTime) - Date.parse(b.startTime));
}

function renderLive(live) {
	const rows = live.sort(byPoolThenAge).map((process) => element('tr', { 'data-pid': process.pid },
		nameCell(process),
		element('td', { class: 'num pid' }, String(process.pid)),
		element('td', {}, element('span', { class: 'state ' + process.state }, process.state)),
		cpuCell(process),
		element('td', { class: 'num' }, process.residentMemory != null ? mebibytes(process.residentMemory) : '—'),
		element('td', { class: 'num' }, number.format(process.tasksCompleted)),
		element('td', { class: 'num' }, formatSeconds(seconds(process.uptime) ?? 0)),
		progressCell(process.progress),
		jvmCell(process.jvm)));
	showRows('workers', rows);
}

function nameCell(process) {
	const what = (process.pool != null) ? 'pool ' + process.pool : 'single process';
	return element('td', { class: 'name', title: process.runs }, process.name,
		element('small', {}, `${what} · ${process.bootstrapMode}`));
}

function cpuCell(process) {
	const total = seconds(process.cpuTime);
	if (total == null) {
		return element('td', { class: 'num' }, '—');
	}
	const share = (process.cpuShare != null) ? Math.round(process.cpuShare * 100) + ' %' : '…';
	return element('td', { class: 'num', title: 'share of one core since the last poll; CPU time in all' },
		share, element('small', {}, formatSeconds(total)));
}

function progressCell(progress) {
	if (!progress) {
		return element('td', {}, muted('—'));
	}
	const known = progress.total > 0;
	const fraction = known ? progress.done / progress.total : 0;
	const head = known ? Math.floor(fraction * 100) + ' %' : number.format(progress.done) + ' done';
	return element('td', { class: 'progress' }, head, bar(fraction, 'progress'),
		progress.message ? element('small', { title: progress.message }, progress.message) : null);
}

function jvmCell(jvm) {
	if (!jvm) {
		return element('td', {}, muted('not told yet'));
	}
	const max = jvm.heapMax > 0 ? jvm.heapMax : jvm.heapCommitted;
	const details = [`${number.format(jvm.loadedClasses)} classes loaded`,
		`JVM up ${formatSeconds(seconds(jvm.uptime) ?? 0)}`, jvm.contextUptime ? `context up ${formatSeconds(seconds(jvm.contextUptime) ?? 0)}` : null,
		`told at ${new Date(jvm.sampledAt).toLocaleTimeString('en-GB')}`].filter(Boolean).join('\n');
	return element('td', { class: 'jvm', title: details },
		`heap ${number.format(Math.round(jvm.heapUsed / MIB))} of ${mebibytes(max)}`, bar(jvm.heapUsed / max, 'heap'),
		element('small', {}, `${number.format(jvm.gcCount)} GC (${formatMillis(seconds(jvm.gcTime) * 1000)})`
			+ ` · ${jvm.threads} threads`));
}

function renderExited(exited) {
	const ended = (process) => Date.parse(process.startTime) + (seconds(process.uptime) ?? 0) * 1000;
	const rows = exited.sort((a, b) => ended(b) - ended(a)).slice(0, EXITED_SHOWN).map((process) => {
		const tail = process.outputTail || [];
		return element('tr', { 'data-pid': process.pid },
			nameCell(process),
			element('td', { class: 'num pid' }, String(process.pid)),
			element('td', {}, element('span', { class: 'state EXITED' + (process.exitCode !== 0 ? ' failed' : '') },
				process.exitReason || 'exited')),
			element('td', { class: 'num' }, formatSeconds(seconds(process.uptime) ?? 0)),
			element('td', { class: 'output', title: tail.join('\n') },
				tail.length ? tail[tail.length - 1] : muted('—')));
	});
	showRows('exited', rows);
}

/** Fills a table, or says instead that there is nothing to list. */
function showRows(table, rows) {
	document.querySelector(`#${table} tbody`).replaceChildren(...rows);
	document.getElementById(table).hidden = rows.length === 0;
	document.getElementById('no-' + table).hidden = rows.length > 0;
}

// ---- the chart: busy processes above, tasks finished in each poll's second below ----

function drawChart() {
	const canvas = document.getElementById('chart');
	const ratio = window.devicePixelRatio || 1;
	const width = canvas.clientWidth;
	const height = canvas.clientHeight;
	canvas.width = Math.round(width * ratio);
	canvas.height = Math.round(height * ratio);
	const g = canvas.getContext('2d');
	g.scale(ratio, ratio);
	g.font = '11px system-ui, sans-serif';

	const now = Date.now();
	const span = Math.min(HISTORY_MILLIS, Math.max(SHORTEST_SPAN_MILLIS, now - samples[0].time));
	const left = 30;
	const right = width - 6;
	const x = (time) => left + (time - (now - span)) / span * (right - left);
	const lanes = [{ top: 8, bottom: 70, key: 'busy', color: '#2f6fd0' },
		{ top: 94, bottom: height - 22, key: 'finished', color: '#2e9d62' }];

	for (const lane of lanes) {
		const most = Math.max(1, ...samples.map((sample) => sample[lane.key]));
		const y = (value) => lane.bottom - value / most * (lane.bottom - lane.top);
		g.strokeStyle = '#e3e7ee';
		g.beginPath();
		g.moveTo(left, lane.top + 0.5);
		g.lineTo(right, lane.top + 0.5);
		g.moveTo(left, lane.bottom + 0.5);
		g.lineTo(right, lane.bottom + 0.5);
		g.stroke();
		g.fillStyle = '#6b7482';
		g.textAlign = 'right';
		g.textBaseline = 'middle';
		g.fillText(String(most), left - 6, lane.top);
		g.fillText('0', left - 6, lane.bottom);
		g.fillStyle = lane.color;
		if (lane.key === 'busy') {
			// a step line: the count holds from one poll to the next
			const steps = () => samples.forEach((sample, i) => {
				const next = (i + 1 < samples.length) ? samples[i + 1].time : now;
				g.lineTo(x(sample.time), y(sample.busy));
				g.lineTo(x(next), y(sample.busy));
			});
			g.globalAlpha = 0.2;
			g.beginPath();
			g.moveTo(x(samples[0].time), lane.bottom);
			steps();
			g.lineTo(x(now), lane.bottom);
			g.fill();
			g.globalAlpha = 1;
			g.strokeStyle = lane.color;
			g.lineWidth = 1.5;
			g.beginPath();
			steps();
			g.stroke();
			g.lineWidth = 1;
		}
		else {
			const barWidth = Math.max(1, POLL_MILLIS / span * (right - left) * 0.7);
			for (const sample of samples) {
				const top = y(sample.finished);
				g.fillRect(x(sample.time) - barWidth, top, barWidth, lane.bottom - top);
			}
		}
	}

	g.fillStyle = '#6b7482';
	g.textBaseline = 'alphabetic';
	for (let minutes = 1; minutes * 60_000 <= span; minutes++) {
		const at = x(now - minutes * 60_000);
		g.textAlign = (at < left + 20) ? 'left' : 'center';
		g.fillText(`−${minutes} min`, at, height - 4);
	}
	g.textAlign = 'right';
	g.fillText('now', right, height - 4);

	const minute = samples.filter((sample) => sample.time >= now - 60_000);
	document.getElementById('busy-now').textContent = String(samples[samples.length - 1].busy);
	document.getElementById('done-minute').textContent = number.format(minute.reduce((sum, s) => sum + s.finished, 0));
	document.getElementById('chart-span').textContent = '· last ' + formatSeconds(span / 1000).replace(' 0 s', '');
}

// ---- the demos ----

function field(id) {
	return encodeURIComponent(document.getElementById(id).value);
}

const demos = {
	primes: {
		path: () => `primes?upTo=${field('up-to')}`,
		summary: (answer) => `${number.format(answer.count)} primes up to ${number.format(answer.upTo)}, counted in a`
			+ ` worker JVM for the app (pid ${answer.callerPid}) in ${formatMillis(answer.elapsedMillis)}`,
	},
	progress: {
		path: () => `primes/progress?upTo=${field('up-to')}`,
		summary: (answer) => `${number.format(answer.count)} primes up to ${number.format(answer.upTo)};`
			+ ` the caller heard ${number.format(answer.reportsHeard)} reports of progress`,
	},
	shared: {
		path: () => `primes/shared?upTo=${field('up-to')}&parts=${field('parts')}`,
		summary: (answer) => `${number.format(answer.count)} primes up to ${number.format(answer.upTo)}:`
			+ ` ${answer.parts.length} parts, counted side by side, added into one SharedLong`,
	},
	tutorial: {
		path: () => 'tutorial',
		summary: (answer) => `${answer.processes.length} processes started together, then joined: `
			+ answer.processes.map((p) => `${p.name} (pid ${p.pid}, exit code ${p.exitCode})`).join(', '),
	},
	crash: {
		path: () => 'crash',
		// by design the call fails with mp's ProcessDiedException, which the app catches and answers; the pool
		// replaces the worker
		expected: (answer) => Boolean(answer.caught),
		summary: (answer) => (answer.caught ? 'As expected, only this call failed: '
			+ String(answer.caught).split('\n')[0].replace(/^dev\.mp\./, '') : `The worker answered: ${answer.result}`),
	},
};

async function runDemo(name) {
	const demo = demos[name];
	const path = demo.path();
	const outcome = element('span', { class: 'outcome' }, 'running…');
	const summary = element('p', { class: 'summary' });
	const body = element('pre', {});
	const item = element('li', { class: 'result pending', 'data-demo': name },
		element('div', { class: 'head' }, element('code', {}, 'GET /' + path), outcome), summary,
		element('details', {}, element('summary', {}, 'response'), body));
	const results = document.getElementById('results');
	results.prepend(item);
	while (results.children.length > RESULTS_SHOWN) {
		results.lastElementChild.remove();
	}
	const start = performance.now();
	try {
		const response = await fetch(path, { cache: 'no-store' });
		const text = await response.text();
		let answer = null;
		try {
			answer = JSON.parse(text);
			body.textContent = JSON.stringify(answer, null, 2);
		}
		catch (notJson) {
			body.textContent = text;
		}
		outcome.textContent = `${response.status} · ${formatMillis(performance.now() - start)}`;
		item.dataset.status = String(response.status);
		if (response.ok && answer) {
			item.className = demo.expected && demo.expected(answer) ? 'result expected' : 'result ok';
			summary.textContent = demo.summary(answer);
		}
		else {
			item.className = 'result failed';
			// a refused parameter answers a problem detail; a failed call, mp's exception
			summary.textContent = (answer && (answer.detail || answer.error)) || text || response.statusText;
		}
	}
	catch (error) {
		item.className = 'result failed';
		item.dataset.status = 'none';
		outcome.textContent = 'no answer';
		summary.textContent = error.message;
	}
}

document.getElementById('demos').addEventListener('click', (event) => {
	const button = event.target.closest('button[data-demo]');
	if (button) {
		runDemo(button.dataset.demo);
	}
});
window.addEventListener('resize', () => samples.length && drawChart());
poll();
