//! One headless Chromium session driven through chromedriver, with the few things a user
//! does on the pages: open an address, fill a field by its label, tick a box, choose an
//! option, press a button, follow a link, read what the page says — and a screenshot of
//! each step, kept under `tests/artifacts/browser/<test>/`.
//!
//! Blocking on purpose: the tests also talk to the server with the black-box harness's
//! blocking HTTP client, which must not run inside an async runtime.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::chrome::{Chrome, Driver};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;
/// The most a screenshot grows the window by, for a runaway page.
const MAX_HEIGHT: u32 = 8000;
/// How long a click may take to lead to the next page.
const NAVIGATION: Duration = Duration::from_secs(20);

pub struct Session {
    rt: tokio::runtime::Runtime,
    client: Option<Client>,
    base: String,
    shots: PathBuf,
    taken: u32,
    // Dropped after the session is closed (fields drop in order).
    _driver: Driver,
}

/// `s` as an XPath string literal.
fn literal(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}

/// Whether an element's command failed because its page is gone: a stale reference, or — when
/// the question reaches Chromium while the old document is being torn down — its inspector's
/// "Node with given id does not belong to the document".
fn is_gone(e: &fantoccini::error::CmdError) -> bool {
    e.is_stale_element_reference() || e.to_string().contains("does not belong to the document")
}

impl Session {
    /// A fresh browser for `test` on the server at `base`; clears the test's screenshots.
    pub fn open(chrome: &Chrome, test: &str, base: &str) -> Session {
        let driver = Driver::start(chrome);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome.chromium,
                "args": [
                    "--headless=new",
                    // Root in a container: Chromium's sandbox cannot start there.
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--hide-scrollbars",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-extensions",
                    "--disable-sync",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-features=Translate,MediaRouter,OptimizationHints",
                    "--lang=zh-CN",
                    format!("--window-size={WIDTH},{HEIGHT}"),
                ],
                // The language a browser in the hall sends: the pages' default, Chinese.
                "prefs": {"intl": {"accept_languages": "zh-CN,zh"}},
            },
        });
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        };
        let client = rt
            .block_on(
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(caps)
                    .connect(&driver.url),
            )
            .unwrap_or_else(|e| panic!("a Chromium session through {}: {e}", driver.url));
        let shots = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/artifacts/browser"
        ))
        .join(test);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("screenshot directory");
        Session {
            rt,
            client: Some(client),
            base: base.to_owned(),
            shots,
            taken: 0,
            _driver: driver,
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("open session")
    }

    fn find(&self, xpath: &str, what: &str) -> Element {
        self.rt
            .block_on(self.client().find(Locator::XPath(xpath)))
            .unwrap_or_else(|e| panic!("{what} on {}: {e}", self.path()))
    }

    /// Opens a path of the server.
    pub fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.rt
            .block_on(self.client().goto(&url))
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The current path and query.
    pub fn path(&self) -> String {
        let Some(client) = &self.client else {
            return String::new();
        };
        match self.rt.block_on(client.current_url()) {
            Ok(url) => match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            },
            Err(e) => format!("(no address: {e})"),
        }
    }

    /// The form control a `<label>` containing `label` is for.
    fn control(&self, label: &str) -> Element {
        let xpath = format!("//label[contains(normalize-space(.), {})]", literal(label));
        let found = self.find(&xpath, &format!("label «{label}»"));
        let id = self
            .rt
            .block_on(found.attr("for"))
            .expect("label attribute")
            .unwrap_or_else(|| panic!("label «{label}» names no control"));
        self.find(&format!("//*[@id={}]", literal(&id)), &format!("#{id}"))
    }

    /// Types `value` into the field labelled `label`, replacing what was there.
    pub fn fill(&self, label: &str, value: &str) {
        let field = self.control(label);
        self.rt.block_on(async {
            field.clear().await.expect("clear field");
            field.send_keys(value).await.expect("type into field");
        });
    }

    /// Chooses the file at `file` in the file input with the id `id`: WebDriver types the
    /// path into it, as the file dialog would have filled it.
    pub fn upload(&self, id: &str, file: &std::path::Path) {
        let input = self.find(&format!("//input[@id={}]", literal(id)), &format!("#{id}"));
        let path = file.to_str().expect("a UTF-8 path");
        self.rt
            .block_on(input.send_keys(path))
            .unwrap_or_else(|e| panic!("choose {path} in #{id}: {e}"));
    }

    /// Ticks the check box (or radio button) labelled `label`, by clicking its label.
    pub fn tick(&self, label: &str) {
        let control = self.control(label);
        let selected = self.rt.block_on(control.is_selected()).expect("selected?");
        if !selected {
            self.rt.block_on(control.click()).expect("tick");
        }
        assert!(
            self.rt.block_on(control.is_selected()).expect("selected?"),
            "«{label}» ticked"
        );
    }

    /// Chooses the option containing `option` in the list labelled `label`.
    pub fn choose(&self, label: &str, option: &str) {
        let list = self.control(label);
        let xpath = format!(
            ".//option[contains(normalize-space(.), {})]",
            literal(option)
        );
        self.rt.block_on(async {
            let o = list
                .find(Locator::XPath(&xpath))
                .await
                .unwrap_or_else(|e| panic!("option «{option}» of «{label}»: {e}"));
            o.click().await.expect("choose option");
        });
    }

    /// Presses the first button whose text starts with `text` (spaces normalised): "受理…"
    /// is not "不予受理…".
    pub fn press(&self, text: &str) {
        let xpath = format!(
            "//button[starts-with(normalize-space(.), {})]",
            literal(text)
        );
        let button = self.find(&xpath, &format!("button «{text}»"));
        self.click_to_next_page(button, text);
    }

    /// Follows the link whose text contains `text`.
    pub fn follow(&self, text: &str) {
        let xpath = format!("//a[contains(normalize-space(.), {})]", literal(text));
        let link = self.find(&xpath, &format!("link «{text}»"));
        self.click_to_next_page(link, text);
    }

    /// Clicks `e` where the click stays on the page (a `<summary>` opening its `<details>`).
    pub fn click(&self, e: &Element) {
        self.rt
            .block_on(e.clone().click())
            .unwrap_or_else(|err| panic!("click on {}: {err}", self.path()));
    }

    /// Follows the first link inside `e` (a row of a table, say).
    pub fn follow_in(&self, e: &Element) {
        let link = self
            .rt
            .block_on(e.find(Locator::XPath(".//a")))
            .unwrap_or_else(|e| panic!("a link in the element on {}: {e}", self.path()));
        self.click_to_next_page(link, "link");
    }

    /// Clicks something that leads to another page and waits until the page clicked on is
    /// gone: chromedriver does not always hold the next command until a form's submission
    /// has begun to navigate. Once it has, the next command waits for the new page to load.
    fn click_to_next_page(&self, target: Element, what: &str) {
        let page = self.find("/html", "page");
        let deadline = Instant::now() + NAVIGATION;
        self.rt.block_on(async {
            target
                .click()
                .await
                .unwrap_or_else(|e| panic!("click «{what}»: {e}"));
            loop {
                match page.tag_name().await {
                    Err(e) if is_gone(&e) => return,
                    Err(e) => panic!("after «{what}»: {e}"),
                    Ok(_) if Instant::now() > deadline => {
                        panic!("«{what}» led to no other page within {NAVIGATION:?}")
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        });
    }

    /// The text of the main part of the page, as rendered.
    pub fn text(&self) -> String {
        let main = self.find("//main", "main");
        self.rt.block_on(main.text()).expect("text")
    }

    /// The description next to the term `term` in a description list.
    pub fn described(&self, term: &str) -> String {
        let xpath = format!(
            "//dt[normalize-space(.)={}]/following-sibling::dd[1]",
            literal(term)
        );
        let dd = self.find(&xpath, &format!("«{term}»"));
        self.rt.block_on(dd.text()).expect("text").trim().to_owned()
    }

    /// The `lang` of the document.
    pub fn lang(&self) -> String {
        let html = self.find("/html", "html");
        self.rt
            .block_on(html.attr("lang"))
            .expect("lang")
            .unwrap_or_default()
    }

    /// The elements matching a CSS selector.
    pub fn all(&self, css: &str) -> Vec<Element> {
        self.rt
            .block_on(self.client().find_all(Locator::Css(css)))
            .expect("find all")
    }

    /// The rendered text of an element.
    pub fn text_of(&self, e: &Element) -> String {
        self.rt.block_on(e.text()).expect("text")
    }

    /// The attribute `name` of an element, empty when it has none.
    pub fn attr_of(&self, e: &Element, name: &str) -> String {
        self.rt
            .block_on(e.attr(name))
            .expect("attribute")
            .unwrap_or_default()
    }

    /// The size an element is drawn at, in CSS pixels: (width, height).
    pub fn size_of(&self, e: &Element) -> (f64, f64) {
        let (_, _, w, h) = self.rt.block_on(e.rectangle()).expect("rectangle");
        (w, h)
    }

    /// Fetches `path` from the page as a link of it would, with the browser's cookies (the
    /// session's `HttpOnly` one too): the status, the `Content-Type` and the body. For a
    /// download, which a click saves to a file instead of showing.
    pub fn fetch(&self, path: &str) -> (u16, String, String) {
        const FETCH: &str = "const [path, done] = arguments; \
            fetch(path, {credentials: 'same-origin'}) \
            .then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t]))) \
            .catch(e => done([0, '', String(e)]));";
        let got = self
            .rt
            .block_on(self.client().execute_async(FETCH, vec![json!(path)]))
            .unwrap_or_else(|e| panic!("fetch {path}: {e}"));
        let status = got[0].as_u64().unwrap_or(0) as u16;
        let text = |i: usize| got[i].as_str().unwrap_or_default().to_owned();
        (status, text(1), text(2))
    }

    /// The computed CSS value of `prop` on an element.
    pub fn style_of(&self, e: &Element, prop: &str) -> String {
        self.rt.block_on(e.css_value(prop)).expect("css value")
    }

    /// The serious and critical accessibility violations axe-core (WCAG 2 A and AA rules)
    /// finds on the page, one line each: rule, help and the first elements it names.
    pub fn accessibility_violations(&self) -> Vec<String> {
        // Vendored (tests/browser/vendor, MPL-2.0): no download in the test run.
        const AXE: &str = include_str!("vendor/axe.min.js");
        const RUN: &str = "const done = arguments[0]; \
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}}) \
            .then(r => done(r.violations \
                .filter(v => v.impact === 'serious' || v.impact === 'critical') \
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' @ ' \
                    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))) \
            .catch(e => done(['axe failed: ' + e]));";
        let client = self.client();
        let found = self.rt.block_on(async {
            client
                .execute(&format!("{AXE}\nreturn true;"), vec![])
                .await?;
            client.execute_async(RUN, vec![]).await
        });
        let found = found.unwrap_or_else(|e| panic!("axe on {}: {e}", self.path()));
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds markup at the end of the page's body, as the page had it (to prove a check can
    /// fail).
    pub fn append_html(&self, html: &str) {
        self.rt
            .block_on(self.client().execute(
                "document.body.insertAdjacentHTML('beforeend', arguments[0]); return true",
                vec![json!(html)],
            ))
            .unwrap_or_else(|e| panic!("append to {}: {e}", self.path()));
    }

    /// The page's height in CSS pixels when laid out in a phone's width (390 px), the
    /// window restored after.
    pub fn height_on_a_phone(&self) -> f64 {
        let client = self.client();
        let height = self.rt.block_on(async {
            client.set_window_size(390, 844).await?;
            let h = client
                .execute("return document.documentElement.scrollHeight", vec![])
                .await;
            client.set_window_size(WIDTH, HEIGHT).await?;
            h
        });
        height
            .unwrap_or_else(|e| panic!("height on {}: {e}", self.path()))
            .as_f64()
            .unwrap_or(0.0)
    }

    /// Saves the whole page as `NN-step.png` (the window grows to the page's height).
    pub fn shot(&mut self, step: &str) {
        self.taken += 1;
        let file = self.shots.join(format!("{:02}-{step}.png", self.taken));
        let client = self.client.as_ref().expect("open session");
        let png = self.rt.block_on(async {
            // WebDriver's screenshot is of the viewport: grow the window by what the page
            // has below it (a WebDriver script runs whatever the page's CSP says).
            let heights = client
                .execute(
                    "return [window.innerHeight, document.documentElement.scrollHeight]",
                    vec![],
                )
                .await?;
            let px = |i: usize| heights[i].as_f64().unwrap_or(0.0).ceil() as u32;
            let below = px(1).saturating_sub(px(0)).min(MAX_HEIGHT);
            client.set_window_size(WIDTH, HEIGHT + below).await?;
            let png = client.screenshot().await;
            client.set_window_size(WIDTH, HEIGHT).await?;
            png
        });
        let png = png.unwrap_or_else(|e| panic!("screenshot {step}: {e}"));
        std::fs::write(&file, png).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() && self.client.is_some() {
            // What the page showed when the test failed, next to the steps before it.
            let at = self.path();
            let file = self.shots.join("failure.png");
            if let Some(Ok(png)) = self
                .client
                .as_ref()
                .map(|c| self.rt.block_on(c.screenshot()))
            {
                let _ = std::fs::write(&file, png);
                eprintln!("browser: failed at {at}; screenshot {}", file.display());
            }
        }
        if let Some(client) = self.client.take() {
            let _ = self.rt.block_on(client.close());
        }
    }
}
