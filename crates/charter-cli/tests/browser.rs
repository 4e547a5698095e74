//! The report and the partner guide of every seed program rendered in a real
//! headless browser (Debian's `chromium`): no console error, no uncaught
//! exception, nothing blocked by the page's Content-Security-Policy, every
//! chart laid out at a non-zero size, and a click on a table header sorts
//! it. Screenshots are kept under `target/browser-screenshots/`.
//!
//! Without Chromium the test says so and passes, except under CI (`CI` set),
//! where `.ci/run` installs it and its absence is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SEEDS: &[&str] = &[
    "cimpactpro",
    "simpro",
    "leadsender",
    "future-processing",
    "optimetriks",
];

/// Injected into a copy of a page, first in `<head>`: records errors and,
/// once loaded, each chart's laid-out size and whether sorting works, as an
/// attribute `--dump-dom` prints.
const PROBE: &str = r#"<script>
window.__probe = { errors: [] };
window.addEventListener("error", function (e) { __probe.errors.push("uncaught: " + e.message); });
document.addEventListener("securitypolicyviolation", function (e) {
  __probe.errors.push("blocked: " + e.violatedDirective + " " + e.blockedURI);
});
(function () {
  var original = console.error;
  console.error = function () {
    __probe.errors.push("console: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var charts = Array.prototype.map.call(document.querySelectorAll(".chart"), function (c) {
    var svg = c.querySelector("svg");
    var r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return [c.id, Math.round(r.width), Math.round(r.height)];
  });
  var sorted = null;
  var table = document.querySelector("table.sortable");
  if (table && table.tBodies[0].rows.length > 1) {
    var column = table.tHead.rows[0].cells.length - 1;
    table.tHead.rows[0].cells[column].click();
    var keys = Array.prototype.map.call(table.tBodies[0].rows, function (r) {
      var c = r.cells[column];
      return c.getAttribute("data-sort") || c.textContent.trim();
    });
    sorted = keys.every(function (k, i) {
      if (i === 0) { return true; }
      var a = keys[i - 1], b = k;
      var x = parseFloat(a), y = parseFloat(b);
      return (!isNaN(x) && !isNaN(y)) ? x <= y : a <= b;
    });
  }
  document.body.setAttribute("data-probe", JSON.stringify({ errors: __probe.errors, charts: charts, sorted: sorted }));
});
</script>"#;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let dir = target.join("browser-screenshots");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command`, killed after two minutes (a hang guard, not a speed test).
fn finish(mut command: Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    // Read the pipes on threads so a large DOM cannot fill them and block the browser.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).unwrap();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).unwrap();
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{command:?}` hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn browser(bin: &str, profile: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(bin);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-extensions",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args);
    finish(command)
}

fn charter(args: &[&str]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    command.args(args).current_dir(root());
    let o = finish(command);
    assert!(
        o.status.code() == Some(0),
        "charter {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn richest(program: &str) -> String {
    let dir = root().join("tests/scenarios").join(program);
    let mut all: Vec<(u64, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                fs::metadata(&p).unwrap().len(),
                format!(
                    "tests/scenarios/{program}/{}",
                    p.file_name().unwrap().to_str().unwrap()
                ),
            )
        })
        .collect();
    all.sort();
    all.pop().unwrap().1
}

struct Probe {
    errors: Vec<String>,
    charts: Vec<(String, u64, u64)>,
    sorted: Option<bool>,
}

/// Loads a probed copy of `page` and reads what the probe recorded.
fn probe(bin: &str, work: &Path, page: &Path) -> Probe {
    let html = fs::read_to_string(page).unwrap();
    assert!(html.contains("<head>"));
    let probed = work.join(format!(
        "probed-{}",
        page.file_name().unwrap().to_str().unwrap()
    ));
    fs::write(
        &probed,
        html.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", probed.display());
    let o = browser(
        bin,
        profile.path(),
        &[
            "--enable-logging=stderr",
            "--virtual-time-budget=5000",
            "--dump-dom",
            &url,
        ],
    );
    let dom = String::from_utf8_lossy(&o.stdout);
    let attr = dom
        .split("data-probe=\"")
        .nth(1)
        .unwrap_or_else(|| {
            panic!(
                "{}: the probe did not run\n{}",
                page.display(),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .split('"')
        .next()
        .unwrap()
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let v: serde_json::Value = serde_json::from_str(&attr).unwrap();
    let mut errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect();
    // What the page logged to the console, as Chromium reports it.
    for line in String::from_utf8_lossy(&o.stderr).lines() {
        if line.contains("CONSOLE") && (line.contains("ERROR") || line.contains("Uncaught")) {
            errors.push(line.to_string());
        }
    }
    Probe {
        errors,
        charts: v["charts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c[0].as_str().unwrap().to_string(),
                    c[1].as_u64().unwrap(),
                    c[2].as_u64().unwrap(),
                )
            })
            .collect(),
        sorted: v["sorted"].as_bool(),
    }
}

fn screenshot(bin: &str, page: &Path, name: &str) {
    let png = screenshots().join(format!("{name}.png"));
    let _ = fs::remove_file(&png);
    let profile = tempfile::tempdir().unwrap();
    let shot = format!("--screenshot={}", png.display());
    let url = format!("file://{}", page.display());
    browser(
        bin,
        profile.path(),
        &["--window-size=1000,2600", &shot, &url],
    );
    let bytes = fs::read(&png).unwrap_or_else(|_| panic!("no screenshot of {name}"));
    assert!(bytes.starts_with(b"\x89PNG"), "{name}: not a PNG");
}

#[test]
fn report_and_guide_render_in_headless_chromium() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing; .ci/run installs it"
        );
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    for program in SEEDS {
        let report = work.path().join(format!("{program}-report.html"));
        charter(&[
            "report",
            &format!("policies/{program}.charter"),
            "--scenario",
            &richest(program),
            "--out",
            report.to_str().unwrap(),
        ]);
        let p = probe(bin, work.path(), &report);
        assert!(p.errors.is_empty(), "{program} report: {:?}", p.errors);
        let ids: Vec<&str> = p.charts.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(
            ids,
            ["chart-monthly", "chart-partners", "chart-standings"],
            "{program}"
        );
        for (id, w, h) in &p.charts {
            assert!(*w > 0 && *h > 0, "{program}: chart {id} is {w}x{h}");
        }
        assert_eq!(p.sorted, Some(true), "{program}: a header click sorts");
        screenshot(bin, &report, &format!("{program}-report"));

        let guide = work.path().join(format!("{program}-guide.html"));
        charter(&[
            "doc",
            &format!("policies/{program}.charter"),
            "--out",
            guide.to_str().unwrap(),
        ]);
        let p = probe(bin, work.path(), &guide);
        assert!(p.errors.is_empty(), "{program} guide: {:?}", p.errors);
        screenshot(bin, &guide, &format!("{program}-guide"));
    }
}
