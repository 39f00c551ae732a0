-- wrk: cycles through a mix of real queries on the okfn-de index and reports
-- latency percentiles and failed requests (non-2xx or socket errors).
local queries = {
  "Daten", "Open%20Data", "Transparenz", "Informationsfreiheit", "Buergerbeteiligung", "Verwaltungen",
  "Haushalt", "Open-Data-Gesetz", "Jugend%20hackt", "Lizenzen", "Bahn%20Aufzug", "Koeln",
  "%22Open%20Data%20Day%22", "Transparenzgesetz*", "public%20procurement", "EITI", "OpenSchufa",
  "Informationsfreiheit&tag=Transparenz", "Daten&sort=date", "Wetterdienst*", "Haushalt%20-Berlin",
  "Transparenz%20OR%20Informationsfreiheit", "Prototype%20Fund", "Schufa%20knacken",
}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(counter % #queries) + 1])
end
done = function(summary, latency, requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
