#include "kb/index_writer.h"

#include <xapian.h>

#include <ctime>
#include <utility>

#include "stored.h"
#include "term_prefixes.h"
#include "text.h"
#include "xapian_util.h"

namespace kb {

using internal::Guard;

struct IndexWriter::Rep {
  std::string path;
  WriterOptions options;
  Xapian::WritableDatabase db;
  Xapian::TermGenerator tg;
  bool in_transaction = false;
};

IndexWriter::IndexWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

IndexWriter::~IndexWriter() {
  if (rep_ && rep_->in_transaction) {
    try {
      rep_->db.cancel_transaction();
    } catch (...) {
      // Nothing to report to: the uncommitted changes are dropped either way.
    }
  }
}

namespace {

std::string NowIso() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Deletes every document: a full rebuild inside the same transaction as the new documents.
void DeleteAll(Xapian::WritableDatabase& db) {
  std::vector<Xapian::docid> ids;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
  for (Xapian::docid id : ids) db.delete_document(id);
}

}  // namespace

Result<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path, const WriterOptions& options) {
  return Guard("opening " + path + " for writing", [&]() -> Result<std::unique_ptr<IndexWriter>> {
    if (path.empty()) return Status::InvalidArgument("no database path given");
    auto rep = std::make_unique<Rep>();
    rep->path = path;
    rep->options = options;
    int flags = (options.create ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN) | Xapian::DB_BACKEND_GLASS;
    if (options.wait_for_lock) flags |= Xapian::DB_RETRY_LOCK;
    rep->db = Xapian::WritableDatabase(path, flags);
    std::string schema = rep->db.get_metadata(std::string(internal::kMetaSchema));
    if (!schema.empty() && schema != std::to_string(kSchemaVersion) && !options.overwrite) {
      return Status::InvalidArgument(path + ": index schema " + schema + " differs from this kb's " +
                                     std::to_string(kSchemaVersion) + "; rebuild it with kb-index build");
    }
    rep->tg.set_database(rep->db);
    if (options.spelling) rep->tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    rep->db.begin_transaction(true);
    rep->in_transaction = true;
    if (options.overwrite) DeleteAll(rep->db);
    return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(rep)));
  });
}

Status IndexWriter::Upsert(const Item& item) {
  return Guard("indexing " + item.path, [&]() -> Status {
    if (item.id.empty()) return Status::InvalidArgument(item.path + ": item has no id");
    std::string key = std::string(internal::kPrefixId) + item.id;
    if (key.size() > 240) return Status::InvalidArgument(item.path + ": id is longer than 239 bytes");
    Xapian::Document doc = internal::BuildDocument(item, rep_->tg, rep_->options.default_lang,
                                                   rep_->options.field_weights);
    rep_->db.replace_document(key, doc);
    return Status::Ok();
  });
}

Status IndexWriter::Remove(const std::string& id) {
  return Guard("removing " + id, [&]() -> Status {
    std::string key = std::string(internal::kPrefixId) + id;
    if (!rep_->db.term_exists(key)) return Status::NotFound("no item with id '" + id + "'");
    rep_->db.delete_document(key);
    return Status::Ok();
  });
}

Result<std::vector<IndexedItem>> IndexWriter::ListItems(const std::string& source) const {
  return Guard("listing items", [&]() -> Result<std::vector<IndexedItem>> {
    std::vector<IndexedItem> out;
    const Xapian::Database& db = rep_->db;
    std::string term = source.empty() ? std::string() : internal::FilterTerm("source", source);
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
      Xapian::Document doc = db.get_document(*it, Xapian::DOC_ASSUME_VALID);
      out.push_back({doc.get_value(internal::kSlotId), doc.get_value(internal::kSlotSource),
                     doc.get_value(internal::kSlotPath), doc.get_value(internal::kSlotHash)});
    }
    return out;
  });
}

Status IndexWriter::SetSynonyms(const std::vector<std::vector<std::string>>& groups) {
  return Guard("setting synonyms", [&]() -> Status {
    Xapian::WritableDatabase& db = rep_->db;
    std::vector<std::string> keys;
    for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) keys.push_back(*it);
    for (const std::string& k : keys) db.clear_synonyms(k);
    Xapian::Stem stem = internal::MakeStemmer(rep_->options.default_lang);
    for (const auto& group : groups) {
      std::vector<std::string> words;
      for (const std::string& w : group) {
        std::string lw = internal::AsciiLower(internal::Trim(w));
        // Xapian synonyms map a key to one term, so only single words can be expanded at query time.
        if (!lw.empty() && lw.find(' ') == std::string::npos) words.push_back(lw);
      }
      for (const std::string& a : words) {
        for (const std::string& b : words) {
          if (a == b) continue;
          db.add_synonym(a, b);
          // Built with append: GCC 12 warns (-Wrestrict, a false positive) on "Z" + std::string here.
          std::string za("Z"), zb("Z");
          za += stem(a);
          zb += stem(b);
          db.add_synonym(za, zb);
        }
      }
    }
    return Status::Ok();
  });
}

Status IndexWriter::SetMetadata(const std::string& key, const std::string& value) {
  if (key.rfind("kb:", 0) == 0) return Status::InvalidArgument("metadata keys starting with 'kb:' are reserved");
  if (key.empty() || key.size() > 200) return Status::InvalidArgument("metadata key must be 1..200 bytes");
  return Guard("setting metadata", [&]() -> Status {
    rep_->db.set_metadata(key, value);
    return Status::Ok();
  });
}

Result<std::string> IndexWriter::GetMetadata(const std::string& key) const {
  return Guard("reading metadata", [&]() -> Result<std::string> { return rep_->db.get_metadata(key); });
}

Status IndexWriter::Commit() {
  return Guard("committing " + rep_->path, [&]() -> Status {
    rep_->db.set_metadata(std::string(internal::kMetaSchema), std::to_string(kSchemaVersion));
    rep_->db.set_metadata(std::string(internal::kMetaUpdated), NowIso());
    rep_->db.commit_transaction();
    rep_->in_transaction = false;
    rep_->db.begin_transaction(true);
    rep_->in_transaction = true;
    return Status::Ok();
  });
}

std::size_t IndexWriter::DocCount() const {
  try {
    return rep_->db.get_doccount();
  } catch (...) {
    return 0;
  }
}

}  // namespace kb
