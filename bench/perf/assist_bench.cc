// Ticket assist benchmark: what POST /api/assist costs in libkb for a pasted ticket of about 2,000 characters
// (bench/perf/tickets.txt), per ticket on the thread's CPU clock: the search with the ticket's text (top 10,
// snippets on, as server/assist_handlers.cc asks), the article's related items, the answers-only search on the
// article's codes and title that it adds when the first page has no scripted answer, reading the answer, the signals
// and the placeholder filling. Row: assist/SCALE/ticket/kb:assist.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "kb/assist.h"
#include "kb/searcher.h"
#include "perf.h"

namespace kb::perf {
namespace {

struct AssistShared {
  std::unique_ptr<Searcher> searcher;
  std::vector<Ticket> tickets;
};

AssistShared& Assist() {
  static AssistShared shared;
  return shared;
}

std::vector<Ticket> LoadTickets(const std::string& path) {
  std::ifstream in(path);
  std::vector<Ticket> out;
  std::string line, text;
  const auto flush = [&] {
    if (text.find_first_not_of(" \n") != std::string::npos) {
      Ticket ticket;
      ticket.text = text;
      ticket.agent = "Sam";
      out.push_back(std::move(ticket));
    }
    text.clear();
  };
  while (std::getline(in, line)) {
    if (line == "%%") {
      flush();
    } else if (line.rfind("# ", 0) != 0 || !text.empty()) {
      text += line + "\n";
    }
  }
  flush();
  return out;
}

// The libkb calls of one /api/assist request; returns the number of placeholders filled (kept observable).
std::size_t AssistOnce(Searcher& searcher, const Ticket& ticket) {
  SearchRequest sr;
  sr.query = ticket.subject.empty() ? ticket.text : ticket.subject + "\n" + ticket.text;
  sr.size = 10;
  Result<TicketMatch> match = MatchTicket(searcher, sr);
  if (!match.ok()) throw std::runtime_error(match.status().message());
  const SearchHit* answer = match->answer ? &*match->answer : nullptr;
  const TicketSignals signals = ExtractSignals(sr.query);
  benchmark::DoNotOptimize(signals.error_codes.data());
  if (answer == nullptr) return 0;
  Result<StoredItem> item = searcher.GetItem(answer->id);
  if (!item.ok()) throw std::runtime_error(item.status().message());
  const FilledAnswer filled = FillAnswer(item->item.body, item->item.placeholder_patterns, ticket);
  return filled.values.size();
}

double CpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

void RunAssist(benchmark::State& state, int samples) {
  AssistShared& s = Assist();
  std::size_t filled = 0;
  for (const Ticket& t : s.tickets) filled += AssistOnce(*s.searcher, t);  // warm-up pass
  std::vector<double> ms, cpu;
  for (auto _ : state) {
    for (int i = 0; i < samples; ++i) {
      const Ticket& t = s.tickets[static_cast<std::size_t>(i) % s.tickets.size()];
      const double c0 = CpuMs();
      const auto w0 = std::chrono::steady_clock::now();
      filled += AssistOnce(*s.searcher, t);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count());
      cpu.push_back(CpuMs() - c0);
    }
    double total = 0;
    for (double x : ms) total += x;
    state.SetIterationTime(total / 1000.0);
  }
  state.counters["p50_ms"] = Percentile(ms, 0.50);
  state.counters["p99_ms"] = Percentile(ms, 0.99);
  state.counters["cpu_p50_ms"] = Percentile(cpu, 0.50);
  state.counters["cpu_p99_ms"] = Percentile(cpu, 0.99);
  state.counters["samples"] = static_cast<double>(ms.size());
  state.counters["tickets"] = static_cast<double>(s.tickets.size());
  state.counters["filled"] = static_cast<double>(filled);
}

}  // namespace

bool RegisterAssistBenchmarks(const Config& config) {
  AssistShared& s = Assist();
  s.tickets = LoadTickets(config.tickets);
  if (s.tickets.empty()) {
    std::fprintf(stderr, "kb-perf-bench: no tickets in '%s'\n", config.tickets.c_str());
    return false;
  }
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open({config.db});
  if (!searcher.ok()) {
    std::fprintf(stderr, "kb-perf-bench: %s\n", searcher.status().message().c_str());
    return false;
  }
  s.searcher = std::move(searcher).value();
  const int samples = config.samples;
  const std::string name = "assist/" + config.scale + "/ticket/kb:assist";
  benchmark::RegisterBenchmark(name.c_str(), [samples](benchmark::State& st) { RunAssist(st, samples); })
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace kb::perf
