// kb: the knowledge-base search library. Include this one header to get all of it.
//
//   #include <kb/kb.h>
//
//   auto item = kb::ParseFile("content", "payments/refunds.md");
//   auto writer = kb::IndexWriter::Open("kb.db", {});
//   (void)(*writer)->Upsert(*item);
//   (void)(*writer)->Commit();
//   auto searcher = kb::Searcher::Open({"kb.db"});
//   auto res = (*searcher)->Search({.query = "refund"});
#ifndef KB_KB_H_
#define KB_KB_H_

#include "kb/answer.h"
#include "kb/assist.h"
#include "kb/check.h"
#include "kb/curation.h"
#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "kb/insights.h"
#include "kb/item.h"
#include "kb/live_searcher.h"
#include "kb/options.h"
#include "kb/owners.h"
#include "kb/redact.h"
#include "kb/searcher.h"
#include "kb/source.h"
#include "kb/status.h"
#include "kb/usage_log.h"

#endif  // KB_KB_H_
