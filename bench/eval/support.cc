#include "support.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "kb/indexer.h"
#include "kb/item.h"
#include "kb/source.h"
#include "metrics.h"

namespace kb::eval {
namespace {

namespace fs = std::filesystem;

// The source's items in path order, as kb::BuildIndex parses them (first of two files claiming an id wins).
Status ForEachItem(const Source& source, const std::function<Status(Item&)>& f) {
  Result<ScanResult> scan = ScanSource(source);
  if (!scan.ok()) return scan.status();
  const ParseOptions options = source.ItemParseOptions();
  std::set<std::string> seen;
  for (const SourceFile& file : scan->files) {
    Result<std::string> bytes = ReadSourceFile(source, file.path, options.max_file_bytes);
    if (!bytes.ok()) return bytes.status();
    Result<Item> item = ParseItem(file.path, *bytes, options);
    if (!item.ok()) return Status(item.status().code(), source.DisplayPath(file.path) + ": " + item.status().message());
    if (!seen.insert(item->id).second) continue;
    item->source = source.name;
    if (Status s = f(*item); !s.ok()) return s;
  }
  return Status::Ok();
}

Doc ToDoc(const Item& item, const std::string& default_lang) {
  Doc d;
  d.id = item.id;
  d.title = item.title;
  d.lang = item.lang.empty() ? default_lang : item.lang;
  for (const Section& s : item.sections) {
    if (s.level > 0) d.text += s.title + "\n";
    d.text += s.text + "\n";
  }
  return d;
}

Status ParseQuery(const std::string& line, Query* q) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("not a JSON object");
  for (const char* key : {"id", "text", "shape", "lang"}) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
      return Status::Corruption(std::string("\"") + key + "\" must be a non-empty string");
    }
  }
  q->id = j["id"].get<std::string>();
  q->text = j["text"].get<std::string>();
  q->shape = j["shape"].get<std::string>();
  q->lang = j["lang"].get<std::string>();
  q->words = CountWords(q->text);
  return Status::Ok();
}

}  // namespace

Result<SupportSet> LoadSupportSet(const std::string& dir, const std::string& content_dir) {
  SupportSet out;
  out.dir = dir;
  out.content_dir = content_dir;
  out.set.name = kSupportSetName;
  Result<Source> source = LoadSource(content_dir);
  if (!source.ok()) return Status(source.status().code(), "content: " + source.status().message());
  Status s = ForEachItem(*source, [&](Item& item) {
    out.set.docs.push_back(ToDoc(item, source->config.lang));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  s = LoadQrels((fs::path(dir) / "qrels.tsv").string(), &out.set.qrels, kAnswerGrade);
  if (!s.ok()) return s;

  const std::string queries_path = (fs::path(dir) / "queries.jsonl").string();
  std::ifstream in(queries_path);
  if (!in) return Status::IoError(queries_path + ": cannot open");
  std::set<std::string> ids;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    Query q;
    s = ParseQuery(line, &q);
    if (s.ok() && !ids.insert(q.id).second) s = Status::Corruption("query id '" + q.id + "' appears twice");
    if (!s.ok()) return Status(s.code(), queries_path + ":" + std::to_string(n) + ": " + s.message());
    if (out.set.qrels.count(q.id)) out.set.queries.push_back(std::move(q));
    else out.unjudged.push_back(q.id);
  }

  std::set<std::string> items;
  for (const Doc& d : out.set.docs) items.insert(d.id);
  for (const auto& [qid, judged] : out.set.qrels) {
    for (const auto& [item, grade] : judged) {
      if (!items.count(item)) out.unknown_items.push_back(qid + " " + item);
    }
  }
  if (out.set.docs.empty() || out.set.queries.empty()) {
    return Status::InvalidArgument(dir + ": no judged queries, or " + content_dir + " has no items");
  }
  return out;
}

Status BuildContentIndex(const std::string& content_dir, const std::string& db_path) {
  Result<Source> source = LoadSource(content_dir);
  if (!source.ok()) return source.status();
  IndexerOptions options;
  options.db_path = db_path;
  Result<IndexSummary> summary = BuildIndex({*source}, options);
  if (!summary.ok()) return summary.status();
  if (!summary->skipped.empty()) {
    return Status::InvalidArgument(content_dir + ": " + summary->skipped.front().path +
                                   " was not indexed: " + summary->skipped.front().reason);
  }
  return Status::Ok();
}

Status BuildContentIndexWith(const std::string& content_dir, const std::string& db_path, const WriterOptions& options) {
  Result<Source> source = LoadSource(content_dir);
  if (!source.ok()) return source.status();
  WriterOptions opts = options;
  opts.overwrite = true;
  auto writer = IndexWriter::Open(db_path, opts);
  if (!writer.ok()) return writer.status();
  Status s = ForEachItem(*source, [&](Item& item) { return (*writer)->Upsert(item); });
  if (!s.ok()) return s;
  if (s = (*writer)->SetSynonyms(source->synonyms); !s.ok()) return s;
  return (*writer)->Commit();
}

}  // namespace kb::eval
