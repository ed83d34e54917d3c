// The web VR client: wires the gallery, the guide connection and the page's controls.
// URL parameters: ?tour=lab&lang=en&token=SECRET&ws=ws://host:8765
import { GuideConnection, newId, visitorMessage } from "./connection.js";

const CRITERIA = [["factual_accuracy", "Factual accuracy"], ["context_relevance", "About this exhibit"],
                  ["safety", "Safe and respectful"], ["alignment", "Helpful"], ["formatting", "Clear and short"]];
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const saved = JSON.parse(sessionStorage.getItem("guide-state") || "{}");
document.documentElement.lang = (params.get("lang") || "en").slice(0, 2);
const state = {
  tour: params.get("tour") || saved.tour || "default",
  language: (params.get("lang") || navigator.language || "en").slice(0, 2).toLowerCase().replace(/[^a-z]/g, "") || "en",
  lookedAt: saved.lookedAt || null,   // the visitor's own choice, restored after a reconnect
  exhibits: new Map(),
  request: null,                       // {id, answerId, text, spoken, done}
  lastAnswer: null,
};
let gallery = null;

function remember() {
  sessionStorage.setItem("guide-state", JSON.stringify({tour: state.tour, lookedAt: state.lookedAt}));
}

function showError(text) { $("error").textContent = text || ""; }

function setStatus(kind, text) {
  $("status").dataset.state = kind;
  $("status").textContent = text;
}

function showInView(msg) {
  const exhibit = msg.exhibit ? state.exhibits.get(msg.exhibit) : null;
  $("in-view-name").textContent = msg.name || (exhibit ? exhibit.name : "No exhibit in view");
  $("in-view-summary").textContent = msg.summary || (exhibit ? exhibit.summary : "");
  $("in-view-source").textContent = !exhibit ? "" :
    msg.source === "gaze" ? "Chosen by you" :
    msg.source === "detection" ? "Seen by the robot's camera" : "Where the robot is standing";
  document.body.dataset.inView = msg.exhibit || "";
  if (gallery) gallery.highlight(msg.exhibit);
}

// ---- speech output, sentence by sentence, with a voice for the page's language where the browser has one ----
const SPEECH_LANG = {en: "en-GB", el: "el-GR", tr: "tr-TR", ru: "ru-RU"};

// the answer's language as its letters show it (a question asked in another language is answered in it)
function scriptLanguage(text) {
  if (/[\u0370-\u03ff\u1f00-\u1fff]/.test(text)) return "el";
  if (/[\u0400-\u04ff]/.test(text)) return "ru";
  return null;
}

function voiceFor(lang) {
  const voices = "speechSynthesis" in window ? speechSynthesis.getVoices() : [];
  return voices.find((v) => v.lang.toLowerCase().startsWith(lang)) || null;
}

function speakNewSentences(final) {
  const r = state.request;
  if (!r || !$("speak").checked || !("speechSynthesis" in window)) return;
  const pending = r.text.slice(r.spoken);
  const match = final ? pending : (pending.match(/^[\s\S]*[.!?;](\s|$)/) || [""])[0];
  if (match.trim()) {
    const utterance = new SpeechSynthesisUtterance(match.trim());
    const lang = r.language || scriptLanguage(match) || state.language;
    utterance.lang = SPEECH_LANG[lang] || lang;
    const voice = voiceFor(lang);
    if (voice) utterance.voice = voice;
    speechSynthesis.speak(utterance);
  }
  r.spoken += match.length;
}

// ---- answers ----
function ask(text) {
  if (state.request?.intro) {  // the visitor's own question comes before an introduction
    connection.send({type: "cancel", request_id: state.request.id});
    if ("speechSynthesis" in window) speechSynthesis.cancel();
    state.request = null;
  }
  if (!text.trim() || state.request) return;
  const id = newId();
  if (!connection.send({type: "ask", request_id: id, text: text.trim()})) {
    showError("Not connected to the guide yet; your question was not sent. Please try again in a moment.");
    return;
  }
  state.request = {id, answerId: null, text: "", spoken: 0, question: text.trim()};
  startAnswer("You asked: " + text.trim());
}

// the guide speaks unasked when the robot brings the tour to an exhibit: shown like an answer
function introduce(msg) {
  state.request = {id: msg.request_id, answerId: msg.answer_id, text: "", spoken: 0, question: null, intro: true};
  startAnswer("Arriving at " + (state.exhibits.get(msg.exhibit)?.name || msg.exhibit));
  document.body.dataset.introduced = msg.exhibit;
}

function startAnswer(heading) {
  delete document.body.dataset.answer;
  $("answer-question").textContent = heading;
  $("suggestions").replaceChildren();
  $("answer-text").textContent = "…";
  $("answer-meta").textContent = "";
  $("rate-form").hidden = true;
  $("rate-status").textContent = "";
  $("stop").disabled = false;
  $("ask").disabled = !!state.request?.question;  // an introduction can be interrupted by asking
  showError("");
}

function stop() {
  if (state.request) connection.send({type: "cancel", request_id: state.request.id});
  if ("speechSynthesis" in window) speechSynthesis.cancel();
}

function finishAnswer(msg) {
  const r = state.request;
  state.request = null;
  $("stop").disabled = true;
  $("ask").disabled = false;
  if (msg.finish === "cancelled") {
    $("answer-text").textContent = (r.text || "") + " (stopped)";
  } else if (msg.finish === "error") {
    $("answer-text").textContent = r.text || "";
  } else {
    $("answer-text").textContent = msg.text;
    r.text = msg.text;
    r.language = msg.language;
    speakNewSentences(true);
  }
  const sources = [...new Set(msg.sources.map((s) => state.exhibits.get(s.exhibit)?.name || s.exhibit))];
  showSuggestions(msg.suggestions || []);
  $("answer-meta").textContent = msg.finish === "error" ? "" :
    `${msg.generated_tokens} tokens, first words after ${Math.round(msg.ttft_ms || 0)} ms` +
    (sources.length ? ` · from: ${sources.join(", ")}` : "");
  document.body.dataset.answer = msg.finish;
  if (msg.finish === "stop" || msg.finish === "length") {
    state.lastAnswer = msg.answer_id;
    $("rate-form").hidden = false;
  }
}

// what the visitor could ask next, as buttons that ask it
function showSuggestions(questions) {
  $("suggestions").replaceChildren(...questions.map((q) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "suggestion";
    button.textContent = q;
    button.addEventListener("click", () => ask(q));
    return button;
  }));
}

function onMessage(msg) {
  const r = state.request;
  switch (msg.type) {
    case "welcome":
      showInView({exhibit: msg.exhibit, source: "pose"});
      // a new session follows the robot: what this visitor chose to look at is sent again
      if (state.lookedAt) connection.send({type: "exhibit.view", exhibit: state.lookedAt});
      break;
    case "exhibit.in_view": showInView(msg); break;
    case "robot.pose": if (gallery) gallery.moveRobot(msg.x, msg.y, msg.theta); break;
    case "answer.start":
      if (r && msg.request_id === r.id) r.answerId = msg.answer_id;
      else if (!r && msg.kind === "introduction") introduce(msg);
      break;
    case "answer.delta":
      if (r && msg.request_id === r.id) {
        r.text += msg.text;
        $("answer-text").textContent = r.text;
        speakNewSentences(false);
      }
      break;
    case "answer.done": if (r && msg.request_id === r.id) finishAnswer(msg); break;
    case "feedback.ack":
      $("rate-status").textContent = "Thank you: your rating is saved.";
      $("rate-form").hidden = true;
      document.body.dataset.rated = msg.feedback_id;
      break;
    case "error":
      showError(visitorMessage(msg));
      if (msg.fatal) setStatus("closed", "Disconnected: " + visitorMessage(msg));
      break;
  }
}

function onState(kind, detail) {
  if (kind === "open") {
    setStatus("open", `Connected to the guide (tour ${detail.tour}, ${detail.model})`);
    showError("");
  } else if (kind === "closed") {
    setStatus("closed", "Connection lost. Reconnecting…");
    if (state.request) {
      $("answer-text").textContent = (state.request.text || "") + " (the connection dropped; please ask again)";
      state.request = null;
      $("stop").disabled = true;
      $("ask").disabled = false;
    }
  } else {
    setStatus("connecting", "Connecting to the guide…");
  }
}

function lookAt(id, source) {
  state.lookedAt = id || null;
  remember();
  $("look").value = id || "";
  if (id) connection.send({type: "exhibit.view", exhibit: id});
}

function buildRatingForm() {
  for (const [key, title] of CRITERIA) {
    const row = document.createElement("div");
    row.className = "criterion";
    row.innerHTML = `<label for="score-${key}">${title}</label><select id="score-${key}">` +
      [5, 4, 3, 2, 1].map((n) => `<option value="${n}">${n}</option>`).join("") + "</select>";
    $("criteria").appendChild(row);
  }
  $("rate-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!state.lastAnswer) return;
    const scores = Object.fromEntries(CRITERIA.map(([key]) => [key, Number($(`score-${key}`).value)]));
    const comment = $("comment").value.trim() || null;
    const sent = connection.send({type: "feedback", feedback_id: newId(), answer_id: state.lastAnswer,
                                  scores, comment, role: $("role").value});
    $("rate-status").textContent = sent ? "Sending your rating…" : "Not connected; please send it again in a moment.";
  });
}

function setUpSpeechInput() {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!Recognition) return;
  $("mic").hidden = false;
  $("mic").addEventListener("click", () => {
    const rec = new Recognition();
    rec.lang = state.language;
    rec.onresult = (event) => { $("question").value = event.results[0][0].transcript; ask($("question").value); };
    rec.onerror = () => showError("Speech input did not work here; please type your question.");
    rec.start();
  });
}

const url = params.get("ws") || `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
const connection = new GuideConnection(url, {client: "web", tour: state.tour, language: state.language,
                                             token: params.get("token") || null}, onMessage, onState);

async function start() {
  buildRatingForm();
  setUpSpeechInput();
  $("ask-form").addEventListener("submit", (event) => { event.preventDefault(); ask($("question").value); });
  $("stop").addEventListener("click", stop);
  $("look").addEventListener("change", () => lookAt($("look").value, "select"));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") stop(); });
  const catalogue = await (await fetch("/catalogue.json")).json();
  for (const e of catalogue.exhibits) {
    state.exhibits.set(e.id, e);
    $("look").add(new Option(e.name, e.id));
  }
  try {
    const { createGallery } = await import("./gallery.js");
    gallery = createGallery($("scene"), catalogue.exhibits, lookAt);
  } catch (err) {
    $("scene").textContent = "";
    console.warn("3D gallery unavailable:", err.message);   // the panel works without it
  }
  connection.connect();
}

start();
