// kb-index under faults and input limits: a disk that fills up (RLIMIT_FSIZE: writes past the limit fail
// with EFBIG, which needs no root and no mount), a read-only database directory, a corrupt database, a file
// over --max-file-bytes and a tree over --max-items. Each run must fail (or skip) with a clear message and
// its exit code, leave the previous index searchable where it still exists, and succeed once the fault is
// gone.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include "indexer_test_util.h"
#include "kb/kb.h"

namespace kb::testing {
namespace {

// Matches of `query` in `db`, -1 when the database cannot be searched.
int Count(const std::string& db, const std::string& query) {
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open({db});
  if (!searcher.ok()) return -1;
  SearchRequest request;
  request.query = query;
  Result<SearchResponse> response = (*searcher)->Search(request);
  return response.ok() ? response->total : -1;
}

// `n` articles carrying `marker`, each with `filler` distinct extra words (to make the index grow).
void WriteTree(const std::string& dir, int n, const std::string& marker, int filler = 0) {
  for (int i = 0; i < n; ++i) {
    std::string extra;
    for (int w = 0; w < filler; ++w) extra += " w" + std::to_string(i) + "x" + std::to_string(w);
    WriteFile(dir + "/f" + std::to_string(i) + ".md", Article("Topic " + std::to_string(i), marker) + extra + "\n");
  }
}

std::uintmax_t LargestFile(const std::string& dir) {
  std::uintmax_t largest = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) largest = std::max(largest, e.file_size());
  }
  return largest;
}

// Lowers the file-size limit while a child is forked (the child keeps it), then restores this process's.
class ChildFileSizeLimit {
 public:
  explicit ChildFileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~ChildFileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved_); }

 private:
  rlimit saved_{};
};

// Makes a directory tree unwritable and undoes it on destruction (also when an assertion fails, so that the
// temporary directory can be removed). Root ignores permission bits, so as root the tree is made immutable.
class ReadOnlyTree {
 public:
  explicit ReadOnlyTree(std::string path) : path_(std::move(path)), root_(::geteuid() == 0) {
    ok_ = Run(root_ ? "chattr -R +i " : "chmod -R a-w ");
  }
  ~ReadOnlyTree() { Run(root_ ? "chattr -R -i " : "chmod -R u+w "); }
  bool ok() const { return ok_; }

 private:
  bool Run(const std::string& command) { return std::system((command + "'" + path_ + "' 2>&1").c_str()) == 0; }
  std::string path_;
  bool root_;
  bool ok_ = false;
};

class IndexerFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteTree(dir_.Sub("a"), 5, "alphamarker");
    ProcessResult r = RunKbIndex({"build", dir_.Sub("a"), "--db", db(), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Count(db(), "alphamarker"), 5);
  }
  std::string db() const { return dir_.Sub("db"); }
  TempDir dir_;
};

TEST_F(IndexerFaultTest, DiskFullFailsClearlyAndKeepsThePreviousIndex) {
  WriteTree(dir_.Sub("b"), 300, "betamarker", 200);
  const std::uintmax_t limit = LargestFile(db()) + 16 * 1024;
  ProcessResult full;
  {
    std::unique_ptr<KbIndex> child;
    {
      ChildFileSizeLimit fsize(limit);
      child = std::make_unique<KbIndex>(std::vector<std::string>{"build", dir_.Sub("b"), "--db", db(), "-q"});
    }
    full = child->Finish(std::chrono::seconds(30));
  }
  std::printf("[ fault ] disk full, exit %d:\n%s", full.exit_code, full.err.c_str());
  EXPECT_EQ(full.exit_code, 3) << "a full disk is an I/O error (exit 3), not a crash; stderr: " << full.err;
  EXPECT_NE(full.err.find("File too large"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(db()), std::string::npos) << "the message names the database: " << full.err;
  EXPECT_EQ(Count(db(), "alphamarker"), 5) << "the previous index stays searchable";
  EXPECT_EQ(Count(db(), "betamarker"), 0);

  ProcessResult again = RunKbIndex({"build", dir_.Sub("b"), "--db", db(), "-q"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Count(db(), "betamarker"), 300);
  EXPECT_EQ(Count(db(), "alphamarker"), 0);
}

TEST_F(IndexerFaultTest, ReadOnlyDatabaseFailsClearlyAndKeepsThePreviousIndex) {
  WriteTree(dir_.Sub("a"), 8, "alphamarker");  // three more files
  {
    ReadOnlyTree read_only(db());
    ASSERT_TRUE(read_only.ok()) << "cannot make " << db()
                                << " read-only (chattr needs root and ext4/xfs/btrfs; "
                                   "chmod needs a non-root user)";
    ProcessResult r = RunKbIndex({"update", dir_.Sub("a"), "--db", db(), "-q"});
    std::printf("[ fault ] read-only, exit %d:\n%s", r.exit_code, r.err.c_str());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(db()), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.find("ermission denied") != std::string::npos ||
                r.err.find("Operation not permitted") != std::string::npos)
        << r.err;
    EXPECT_EQ(Count(db(), "alphamarker"), 5) << "the previous index stays searchable";
  }
  ProcessResult r = RunKbIndex({"update", dir_.Sub("a"), "--db", db(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(db(), "alphamarker"), 8);
}

TEST_F(IndexerFaultTest, CorruptDatabaseFailsClearlyAndARebuildRecovers) {
  WriteFile(db() + "/iamglass", "this is not a glass version file");
  ProcessResult r = RunKbIndex({"update", dir_.Sub("a"), "--db", db(), "-q"});
  std::printf("[ fault ] corrupt, exit %d:\n%s", r.exit_code, r.err.c_str());
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(db()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orrupt"), std::string::npos) << r.err;
  EXPECT_EQ(Count(db(), "alphamarker"), -1);

  fs::remove_all(db());
  r = RunKbIndex({"build", dir_.Sub("a"), "--db", db(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(db(), "alphamarker"), 5);
}

TEST_F(IndexerFaultTest, FilesOverMaxFileBytesAreSkippedAndReported) {
  WriteFile(dir_.Sub("a") + "/big.md", Article("Big", "bigmarker") + std::string(5000, 'x') + "\n");
  ProcessResult r = RunKbIndex({"update", dir_.Sub("a"), "--db", db(), "--max-file-bytes", "4000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("big.md"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over the limit of 4000"), std::string::npos) << r.out;
  EXPECT_EQ(Count(db(), "bigmarker"), 0);
  EXPECT_EQ(Count(db(), "alphamarker"), 5);

  r = RunKbIndex({"update", dir_.Sub("a"), "--db", db(), "-q", "--max-file-bytes", "100000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(db(), "bigmarker"), 1);

  r = RunKbIndex({"build", dir_.Sub("a"), "--db", db(), "--max-file-bytes", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-file-bytes: '0' is not a number between 1 and"), std::string::npos) << r.err;
}

TEST_F(IndexerFaultTest, TreesOverMaxItemsAreRefusedBeforeWriting) {
  WriteTree(dir_.Sub("c"), 6, "gammamarker");
  ProcessResult r = RunKbIndex({"build", dir_.Sub("c"), "--db", db(), "--max-items", "5"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("6 files, over the limit of 5 items"), std::string::npos) << r.err;
  EXPECT_EQ(Count(db(), "alphamarker"), 5) << "nothing was written";
  EXPECT_EQ(Count(db(), "gammamarker"), 0);

  r = RunKbIndex({"build", dir_.Sub("c"), "--db", db(), "-q", "--max-items", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count(db(), "gammamarker"), 6);
}

}  // namespace
}  // namespace kb::testing
