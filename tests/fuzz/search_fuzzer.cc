// Fuzzes query parsing and search: kb::Searcher::Search, Suggest, GetItem and Related over a small index
// built once at start-up from fixed items in a temporary directory.
//
// Input: the query, followed by two control bytes that choose the request's options (page, size, sort,
// facets, filters, partial, snippets). Contract: a valid UTF-8 query within max_query_bytes always
// searches successfully ("a query never fails just for its punctuation"), unless it expands to more terms
// than SearcherOptions::max_query_terms allows (ten wildcards over two languages: a resource limit, refused
// with its own message); anything else fails with invalid_argument. No call may fail with an internal, I/O or
// corruption error. The query is also masked as the usage log masks it (kb::RedactPersonalData): valid UTF-8 stays
// valid UTF-8.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "kb/kb.h"

namespace {

using kb::fuzz::Require;

constexpr const char* kItems[][2] = {
    {"payments/refunds.md", R"(---
title: Refunds
kind: article
tags: [refunds, payments]
product: paylane
owner: payments-team
tier: L1
verified: 2026-01-10
verify_every: 90d
aliases: ["money back", "return payment"]
error_codes: [ERR_REFUND_FAILED, E1042]
---
# Refunds

A refund returns a captured payment to the customer's card. Partial refunds are allowed.

## Partial refunds

Refund part of the amount with `POST /v1/refunds`; see [timing](refund-timing.md#how-long).

## Refund failed

`ERR_REFUND_FAILED` means the issuer rejected the refund. Retry after 24 hours.

```bash
curl -X POST https://api.example.com/v1/refunds -d amount=500
```
)"},
    {"payments/declined-cards.md", R"(---
title: Declined cards
tags: cards, declines
owner: payments-team
tier: L2
error_codes: ["ERR_CARD_DECLINED", "HTTP 502"]
verified: 2020-01-01
verify_every: 30d
---
# Declined cards

The issuing bank declined the card: insufficient funds, fraud suspicion or a limit.

## What to tell the customer

Ask them to contact their bank or use another card. HTTP 502 from the gateway is a retryable error.
)"},
    {"payments/answers/card-declined.md", R"(---
title: Explaining a declined card
kind: answer
tags: [declines, customer-reply]
owner: payments-team
tier: L1
---
Hi {{customer_name}},

Payment {{payment_id}} was declined by the card issuer with reason "{{decline_reason}}".

Best regards,
{{agent_name}}
)"},
    {"handbook/escalation.md", R"(---
title: Escalating a ticket
owner: support-leads
tier: L2
product: support
tags: [process]
---
# Escalating a ticket

Escalate to the owning team when an L1 engineer cannot resolve the problem within the SLA.

## Who to page

Page the on-call engineer of the owner team; webhooks and payouts have their own rotations.
)"},
    {"tr/iade.md", R"(---
title: İade işlemleri
lang: tr
owner: payments-team
tags: [refunds]
---
# İade işlemleri

Kısmi iade yapılabilir. Kartınıza iade genellikle beş iş günü içinde ulaşır.
)"},
};

std::string* g_db_dir = nullptr;
kb::Searcher* g_searcher = nullptr;

void RemoveDb() {
  std::error_code ec;
  if (g_db_dir != nullptr) std::filesystem::remove_all(*g_db_dir, ec);
}

void BuildIndex() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kb-fuzz-search-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  g_db_dir = new std::string(tmpl);
  std::atexit(RemoveDb);
  const std::string db = *g_db_dir + "/db";
  std::vector<std::pair<const char*, const char*>> items;
  for (const auto& [path, text] : kItems) items.emplace_back(path, text);
  kb::fuzz::BuildFixtureIndex(db, items, {{"refund", "chargeback"}, {"declined", "refused", "rejected"}});
  auto searcher = kb::Searcher::Open({db});
  if (!searcher.ok()) kb::fuzz::SetupFailed("open searcher", searcher.status());
  g_searcher = searcher->release();
  // The word lists load on the first misspelt query (over 1 s under ASan): load them now, as kb-server does
  // at start, so that the one-time load is not charged to the input that happens to need it.
  g_searcher->LoadWordLists();
}

bool Acceptable(const kb::Status& s) { return s.ok() || s.code() == kb::StatusCode::kInvalidArgument; }

// The term limit's refusal ("query expands to up to N terms ... the limit is M"), not a parse failure.
bool OverTermLimit(const kb::Status& s) {
  return s.code() == kb::StatusCode::kInvalidArgument && s.message().rfind("query expands to up to ", 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  BuildIndex();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::uint8_t c0 = 0, c1 = 0;
  if (input.size() >= 2) {
    c0 = static_cast<std::uint8_t>(input[input.size() - 2]);
    c1 = static_cast<std::uint8_t>(input[input.size() - 1]);
    input.remove_suffix(2);
  }
  const std::string query(input);

  kb::SearchRequest req;
  req.query = query;
  req.today = "2026-06-01";
  req.partial = c0 & 1;
  static const kb::SortOrder kSorts[] = {kb::SortOrder::kRelevance, kb::SortOrder::kVerified, kb::SortOrder::kTitle,
                                         kb::SortOrder::kRelevance};
  req.sort = kSorts[(c0 >> 1) & 3];
  if (c0 & 8) req.facets = {"tag", "owner", "kind", "tier", "product", "lang"};
  req.snippets = !(c0 & 16);
  if (c0 & 32) req.filters = {{"tag", {"refunds", "Declines"}}, {"lang", {"en", "tr"}}};
  req.page = 1 + ((c0 >> 6) & 3);
  req.size = 1 + c1 % kb::kMaxPageSize;

  const bool valid = query.size() <= kb::SearcherOptions().max_query_bytes && kb::fuzz::IsUtf8(query);
  if (kb::fuzz::IsUtf8(query)) {
    Require(kb::fuzz::IsUtf8(kb::RedactPersonalData(query)), "masking keeps valid UTF-8 valid");
  }
  kb::Result<kb::SearchResponse> res = g_searcher->Search(req);
  Require(Acceptable(res.status()), "search fails only with invalid_argument");
  if (valid && !res.ok() && !OverTermLimit(res.status())) {
    std::fprintf(stderr, "kb fuzz: %s\n", res.status().ToString().c_str());
    Require(false, "a valid UTF-8 query within the size limit always searches");
  }
  if (res.ok()) {
    Require(res->hits.size() <= static_cast<std::size_t>(req.size), "at most `size` hits");
    for (std::size_t i = 0; i < res->hits.size(); ++i) {
      Require(res->hits[i].rank == (req.page - 1) * req.size + static_cast<int>(i) + 1, "ranks are positions");
      Require(!res->hits[i].id.empty(), "hits have ids");
    }
    Require(res->total >= 0, "total is not negative");
  }

  kb::Result<kb::SuggestResponse> sug = g_searcher->Suggest(query, c1 % 10, c0 % 7);
  Require(Acceptable(sug.status()), "suggest fails only with invalid_argument");
  if (valid && !sug.ok() && !OverTermLimit(sug.status())) {
    std::fprintf(stderr, "kb fuzz: %s\n", sug.status().ToString().c_str());
    Require(false, "a valid query always gets suggestions");
  }

  if (c1 & 0x80) {
    kb::Result<kb::StoredItem> item = g_searcher->GetItem(query);
    Require(item.ok() || item.status().code() == kb::StatusCode::kNotFound, "GetItem is found or not_found");
    kb::Result<std::vector<kb::SearchHit>> related = g_searcher->Related(query, 1 + c0 % 20);
    Require(related.ok() || related.status().code() == kb::StatusCode::kNotFound, "Related is found or not_found");
  }
  return 0;
}
