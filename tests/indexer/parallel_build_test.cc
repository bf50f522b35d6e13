// kb-index build writes its documents on several threads into parts that are merged by compaction
// (libkb/src/index/parallel_build.h). The merged database must be the one a single writer gives: the same
// document ids, terms, positions, values, data, spelling words, synonyms and metadata.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "compact.h"
#include "indexer_test_util.h"
#include "kb/index_writer.h"
#include "kb/indexer.h"
#include "kb/item.h"
#include "parallel_build.h"
#include "term_prefixes.h"

namespace kb {
namespace {

using testing::Article;
using testing::TempDir;
using testing::WriteFile;
namespace fs = std::filesystem;

// Everything a search can read from a database, in a stable order. Left out: the commit time, and the files'
// stamps (`update`'s "not read" test), which depend on when a run saw each file: one changed under two
// seconds before the scan has none, so two runs over the same tree may differ there.
std::string Dump(const std::string& path) {
  Xapian::Database db(path);
  std::ostringstream out;
  out << "docs " << db.get_doccount() << " last " << db.get_lastdocid() << " length " << db.get_total_length() << "\n";
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    out << *t << " " << t.get_termfreq() << ":";
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
      out << " " << *p << "/" << p.get_wdf();
      for (auto pos = p.positionlist_begin(); pos != p.positionlist_end(); ++pos) out << "," << *pos;
    }
    out << "\n";
  }
  for (auto p = db.postlist_begin(""); p != db.postlist_end(""); ++p) {
    Xapian::Document doc = db.get_document(*p);
    out << "doc " << *p << " " << doc.get_data().size() << " " << std::hash<std::string>()(doc.get_data());
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
      if (v.get_valueno() != internal::kSlotStamp) out << " " << v.get_valueno() << "=" << *v;
    }
    out << "\n";
  }
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s)
    out << "spelling " << *s << " " << s.get_termfreq() << "\n";
  for (auto k = db.synonym_keys_begin(); k != db.synonym_keys_end(); ++k) {
    out << "synonyms " << *k << ":";
    for (auto s = db.synonyms_begin(*k); s != db.synonyms_end(*k); ++s) out << " " << *s;
    out << "\n";
  }
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
    if (*k != "kb:updated") out << "metadata " << *k << "=" << db.get_metadata(*k) << "\n";
  }
  return out.str();
}

// "" when the dumps are equal, else their first differing lines (a diff of whole dumps would take minutes).
std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(ia, la)), more_b = static_cast<bool>(std::getline(ib, lb));
    if (!more_a && !more_b) return "";
    if (more_a != more_b || la != lb) return "line " + std::to_string(line) + ": '" + la + "' vs '" + lb + "'";
  }
}

// A made-up word of letters only (spelling data leaves out words with digits).
std::string Word(int n) {
  std::string w = "q";
  for (int i = 0; i < 6; ++i, n /= 26) w += static_cast<char>('a' + n % 26);
  return w;
}

class ParallelBuildTest : public ::testing::Test {
 protected:
  // 600 articles (three parts of 250 in a build), each with 15 words of its own: over 9,000 spelling words,
  // so the spelling data is also written in more than one part.
  void SetUp() override {
    for (int i = 0; i < 600; ++i) {
      std::string words;
      for (int w = 0; w < 15; ++w) words += Word(i * 15 + w) + " ";
      const std::string extra = i % 50 == 7 ? "lang: tr\n" : "tags: [t" + std::to_string(i % 11) + "]\n";
      WriteFile(Docs() + "/area" + std::to_string(i % 7) + "/item" + std::to_string(i) + ".md",
                Article("Topic " + std::to_string(i) + " printer spooler ödeme", words, extra));
    }
    // Two files claim one id: the first (in path order) is indexed, in a build as in an update.
    WriteFile(Docs() + "/area3/zz-dup.md", Article("Duplicate", "dupmarker", "id: area3/item3\n"));
    WriteFile(Docs() + "/synonyms.txt", "spooler, queue\n");
  }
  std::string Docs() const { return dir_.Sub("docs"); }

  IndexSummary Index(const std::string& db, bool build) {
    Result<Source> source = LoadSource(Docs());
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    IndexerOptions options;
    options.db_path = db;
    Result<IndexSummary> s = build ? BuildIndex({*source}, options) : UpdateIndex({*source}, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : IndexSummary{};
  }

  TempDir dir_;
};

TEST_F(ParallelBuildTest, BuildGivesTheDatabaseOneWriterGives) {
  // An update into a new database writes every item through one IndexWriter, in file order.
  const IndexSummary one = Index(dir_.Sub("one.db"), /*build=*/false);
  const IndexSummary parallel = Index(dir_.Sub("parallel.db"), /*build=*/true);
  EXPECT_EQ(parallel.items, 600u);
  EXPECT_EQ(parallel.added, one.added);
  ASSERT_EQ(parallel.skipped.size(), 1u);
  EXPECT_NE(parallel.skipped[0].reason.find("duplicate id"), std::string::npos);
  EXPECT_TRUE(parallel.compacted);
  const std::string expected = Dump(dir_.Sub("one.db"));
  EXPECT_NE(expected.find("spelling " + Word(8999) + " 2"), std::string::npos);  // in the body twice
  EXPECT_EQ(FirstDifference(Dump(dir_.Sub("parallel.db")), expected), "");
  // The parts are gone; a second build over the first gives the same database again.
  EXPECT_FALSE(fs::exists(dir_.Sub(".parallel.db.build")));
  Index(dir_.Sub("parallel.db"), /*build=*/true);
  EXPECT_EQ(FirstDifference(Dump(dir_.Sub("parallel.db")), expected), "");
}

TEST_F(ParallelBuildTest, TinyPartsOnManyThreadsMergeInOrder) {
  std::vector<Item> items;
  for (int i = 0; i < 120; ++i) {
    const std::string path = "item" + std::to_string(i) + ".md";
    Result<Item> item = ParseItem(path, Article("Topic " + std::to_string(i), Word(i) + " " + Word(i % 9)));
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    item->source = "docs";
    items.push_back(*item);
  }
  WriterOptions wo;
  {
    Result<std::unique_ptr<IndexWriter>> one = IndexWriter::Open(dir_.Sub("one.db"), wo);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    for (const Item& item : items) ASSERT_TRUE((*one)->Upsert(item).ok());
    ASSERT_TRUE((*one)->Commit().ok());
  }
  const std::string db = dir_.Sub("parallel.db");
  Result<Xapian::WritableDatabase> lock = internal::LockDatabase(db, /*wait_for_lock=*/false);  // as a run
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  internal::ParallelBuild build({db}, wo, /*threads=*/4, /*chunk_items=*/7);
  ASSERT_TRUE(build.Start().ok());
  for (const Item& item : items) ASSERT_TRUE(build.Add(0, item).ok());
  ASSERT_TRUE(build.Finish().ok());
  EXPECT_EQ(build.written(), 120u);
  {
    // What the run writes besides documents: the schema, in the meta part.
    Result<std::unique_ptr<IndexWriter>> meta = IndexWriter::Open(build.MetaPath(0), wo);
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    ASSERT_TRUE((*meta)->Commit().ok());
  }
  Status merged = build.Merge(0);
  ASSERT_TRUE(merged.ok()) << merged.ToString();
  EXPECT_EQ(FirstDifference(Dump(db), Dump(dir_.Sub("one.db"))), "");
}

TEST_F(ParallelBuildTest, FailedBuildKeepsTheIndexAndLeavesNoParts) {
  const std::string db = dir_.Sub("kb.db");
  Index(db, /*build=*/true);
  const std::string before = Dump(db);
  // A killed build's leftover parts are cleared by the next build.
  fs::create_directories(dir_.Sub(".kb.db.build/part-0"));
  WriteFile(dir_.Sub(".kb.db.build/part-0/junk"), "x");
  // Nothing indexable: the build fails and the index stays as it was.
  TempDir empty;
  WriteFile(empty.Sub("bad.md"), "---\ntitle: [unclosed\n---\nbody\n");
  Result<Source> source = LoadSource(empty.path());
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  IndexerOptions options;
  options.db_path = db;
  Result<IndexSummary> failed = BuildIndex({*source}, options);
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound) << failed.status().ToString();
  EXPECT_EQ(FirstDifference(Dump(db), before), "");
  EXPECT_FALSE(fs::exists(dir_.Sub(".kb.db.build")));
}

}  // namespace
}  // namespace kb
