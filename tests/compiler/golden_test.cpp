// Golden tests: every invalid program's full diagnostics text is checked in next to it.
// SPIDERC_UPDATE_GOLDENS=1 rewrites the .expected files instead of comparing.
#include "diagnostics/render.h"
#include "driver/check_command.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> spiderFiles(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) {
        return files;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".spider") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Diagnostics as `spiderc check` prints them (no colour), with the bare file name.
std::string checkToText(const fs::path& path, std::size_t* errors = nullptr) {
    spiderc::SourceManager sources;
    spiderc::DiagnosticEngine diags(sources);
    const auto file = sources.add(path.filename().string(), readAll(path));
    spiderc::driver::checkModule(sources, file, diags);
    if (errors) {
        *errors = diags.errorCount();
    }
    std::string text = spiderc::renderAllText(diags);
    const std::string summary = spiderc::renderSummary(diags);
    if (!summary.empty()) {
        text += summary + "\n";
    }
    return text;
}

bool updating() {
    const char* value = std::getenv("SPIDERC_UPDATE_GOLDENS");
    return value != nullptr && std::string(value) == "1";
}

} // namespace

TEST_CASE("every invalid program produces exactly its expected diagnostics") {
    const auto files = spiderFiles(SPIDERC_DIAGNOSTICS_DIR);
    REQUIRE(files.size() >= 80);
    for (const fs::path& path : files) {
        const std::string actual = checkToText(path);
        fs::path expectedPath = path;
        expectedPath.replace_extension(".expected");
        if (updating()) {
            std::ofstream(expectedPath, std::ios::binary) << actual;
            continue;
        }
        INFO("golden: " << path.filename().string()
                        << " (SPIDERC_UPDATE_GOLDENS=1 rewrites it after review)");
        REQUIRE(fs::exists(expectedPath));
        const std::string expected = readAll(expectedPath);
        INFO("expected:\n" << expected << "actual:\n" << actual);
        CHECK(actual == expected);
    }
}

TEST_CASE("every invalid program reports at least one diagnostic") {
    for (const fs::path& path : spiderFiles(SPIDERC_DIAGNOSTICS_DIR)) {
        INFO("golden: " << path.filename().string());
        CHECK_FALSE(checkToText(path).empty());
    }
}

TEST_CASE("every golden has its .spider input") {
    for (const auto& entry : fs::directory_iterator(SPIDERC_DIAGNOSTICS_DIR)) {
        if (entry.path().extension() != ".expected") {
            continue;
        }
        fs::path input = entry.path();
        input.replace_extension(".spider");
        INFO("stale golden: " << entry.path().filename().string());
        CHECK(fs::exists(input));
    }
}

TEST_CASE("the valid corpus and every sample check without any diagnostic") {
    auto files = spiderFiles(SPIDERC_VALID_DIR);
    const auto samples = spiderFiles(SPIDERC_SAMPLES_DIR);
    REQUIRE(files.size() >= 10);
    REQUIRE(samples.size() >= 2);
    files.insert(files.end(), samples.begin(), samples.end());
    for (const fs::path& path : files) {
        INFO("program: " << path.string());
        CHECK(checkToText(path) == "");
    }
}
