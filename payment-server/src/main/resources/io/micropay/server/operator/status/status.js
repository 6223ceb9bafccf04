// The status page polls /status.json every 5 s and redraws; no framework, no build step.
"use strict";

const POLL_MILLIS = 5000;

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
}

function fillTable(id, items, columns) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  for (const item of items) {
    const row = document.createElement("tr");
    for (const [value, className] of columns(item)) {
      cell(row, value, className);
    }
    body.appendChild(row);
  }
}

function drawChart(history) {
  const svg = document.getElementById("chart");
  svg.replaceChildren();
  const width = 600, height = 150;
  const max = Math.max(1, ...history.map(s => s.settled + s.refused));
  const slot = width / Math.max(history.length, 60);
  history.forEach((sample, i) => {
    const x = i * slot;
    const settledHeight = height * sample.settled / max;
    const refusedHeight = height * sample.refused / max;
    for (const [h, y, kind] of [[settledHeight, height - settledHeight, "settled"],
        [refusedHeight, height - settledHeight - refusedHeight, "refused"]]) {
      if (h <= 0) {
        continue;
      }
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("x", x.toFixed(1));
      rect.setAttribute("y", y.toFixed(1));
      rect.setAttribute("width", Math.max(1, slot - 1).toFixed(1));
      rect.setAttribute("height", h.toFixed(1));
      rect.setAttribute("class", kind);
      svg.appendChild(rect);
    }
  });
}

function render(status) {
  document.getElementById("summary").textContent = status.server + " \u2014 up "
      + status.uptimeSeconds + " s, " + status.sessions + " sessions, "
      + status.connections + " connections; " + status.transfersSettled + " transfers settled ("
      + status.unitsMoved + " units), " + status.transfersRefused + " refused; handshakes "
      + status.handshakesOk + " ok, " + status.handshakesFailed + " failed";
  const audit = document.getElementById("audit");
  if (status.audit) {
    audit.textContent = (status.audit.balanced ? "BALANCED" : "NOT BALANCED") + ": "
        + status.audit.accounts + " accounts, " + status.audit.transfers + " transfers, "
        + status.audit.totalBalanceUnits + " units (audited " + status.auditAgeSeconds
        + " s ago)" + status.audit.discrepancies.map(d => "; " + d).join("");
    audit.className = "audit " + (status.audit.balanced ? "ok" : "bad");
  } else {
    audit.textContent = "the ledger cannot answer: " + status.ledgerError;
    audit.className = "audit bad";
  }
  document.getElementById("online-count").textContent = status.onlineCount;
  fillTable("online", status.online, e => [[e.name], [e.ip + ":" + e.port]]);
  fillTable("transfers", status.transfers || [], t => [[t.recordedAt], [t.payer], [t.payee],
      [String(t.amountUnits), "units"], [t.transferId || ""]]);
  document.getElementById("interval").textContent = status.intervalSeconds;
  drawChart(status.history);
  document.getElementById("versions").textContent = "micropay " + status.version + ", Java "
      + status.java + ", started " + status.startedAt + ", signed in as operator "
      + status.operator;
  document.body.dataset.loaded = "true";
}

async function poll() {
  try {
    const response = await fetch("/status.json", {cache: "no-store"});
    render(await response.json());
  } catch (error) {
    document.getElementById("summary").textContent = "cannot read /status.json: " + error;
  }
  setTimeout(poll, POLL_MILLIS);
}

poll();
