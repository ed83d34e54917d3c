"""The web VR client in a real headless Chromium, against a real guide server (embedded model)
and the simulated robot tour over real ROS 2. Screenshots go to var/test-artifacts/web/."""
from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from guide.config import ServerSettings
from tests.conftest import free_port
from tests.guide.harness import RunningServer
from tests.processes import robot_tour, ros_environment, stop

pytest.importorskip("rclpy")
webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Debian chromium and chromium-driver "
                                "are not installed (scripts/setup-browser.sh installs them)")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "web"
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-sync "
         "--disable-background-networking --disable-component-update --enable-unsafe-swiftshader "
         "--window-size=1280,800")


@pytest.fixture()
def browser(tmp_path):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in FLAGS.split() + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def wait(driver, predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(predicate)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_gallery_follows_the_robot_answers_stops_and_rates(browser, tmp_path, retriever):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from ros_bridge.path import gallery_order

    route = gallery_order({e.id: (e.place.x, e.place.y) for e in retriever.catalogue})[:3]
    port, db = free_port(), tmp_path / "guide.sqlite3"
    # transformers, so that an answer lasts long enough to be stopped by hand
    settings = ServerSettings(port=port, model="default", db=db, max_answer_tokens=60, backend="transformers",
                              answers={"checks": "none"})  # an answer long enough to stop
    procs = []
    with RunningServer(settings):
        browser.get(f"http://127.0.0.1:{port}/?tour=web")
        wait(browser, "return document.getElementById('status').dataset.state === 'open'", 30, "the connection")
        shot(browser, "1-connected")
        procs = robot_tour(ros_environment(), port, "web", route)
        try:
            seen = []
            deadline = time.time() + 60
            while (not seen or seen[-1] != route[-1]) and time.time() < deadline:
                current = browser.execute_script("return document.body.dataset.inView || ''")
                if current and (not seen or seen[-1] != current):
                    seen.append(current)
                    shot(browser, f"2-robot-at-{current}")
                time.sleep(0.1)
            # the highlighted exhibit follows the robot, in tour order (on its way from the origin
            # to the first stop it may pass another exhibit, which is then rightly in view a moment)
            assert [e for e in seen if e in route] == route, seen
            assert browser.execute_script("return document.getElementById('scene').dataset.highlighted") == route[-1]
            assert browser.execute_script("return document.getElementById('scene').dataset.robot")
            name = retriever.catalogue.get(route[-1]).names.en
            assert browser.find_element(By.ID, "in-view-name").text == name
            # the guide introduced the stops it reached, unasked
            wait(browser, "return document.body.dataset.introduced", 60, "an introduction")

            question = browser.find_element(By.ID, "question")  # keyboard only: type, Enter
            question.send_keys("What is this place?", Keys.ENTER)
            partial = wait(browser, "const t = document.getElementById('answer-text').textContent;"
                                    "return document.body.dataset.answer === undefined && t !== '…' && t", 60,
                           "the first streamed words")
            wait(browser, "return ['stop', 'length'].includes(document.body.dataset.answer)", 60, "the answer")
            final = browser.find_element(By.ID, "answer-text").text
            assert final.startswith(partial.strip()[:10]) and len(final) > len(partial.strip())
            shot(browser, "3-answer")

            browser.find_element(By.ID, "comment").send_keys("clear and on topic")
            browser.find_element(By.ID, "rate").click()
            feedback_id = wait(browser, "return document.body.dataset.rated", 30, "the rating's acknowledgement")
            assert "saved" in browser.find_element(By.ID, "rate-status").text
            shot(browser, "4-rated")

            # the answer suggested what to ask next: a button that asks it
            suggestion = browser.find_element(By.CSS_SELECTOR, "#suggestions button")
            asked = suggestion.text
            suggestion.click()
            wait(browser, f"return document.getElementById('answer-question').textContent === {('You asked: ' + asked)!r}",
                 10, "the suggested question asked")
            wait(browser, "return ['stop', 'length'].includes(document.body.dataset.answer)", 60, "its answer")

            question.clear()
            question.send_keys("Tell me everything about its history, in detail.", Keys.ENTER)
            wait(browser, "return document.getElementById('answer-text').textContent.length > 1", 60, "a start")
            question.send_keys(Keys.ESCAPE)  # Escape is the keyboard's stop button
            wait(browser, "return document.body.dataset.answer === 'cancelled'", 30, "the cancellation")
            assert browser.find_element(By.ID, "answer-text").text.endswith("(stopped)")
            shot(browser, "5-stopped")
        finally:
            for p in procs:
                stop(p)
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
    with sqlite3.connect(db) as con:
        row = con.execute("SELECT comment, role FROM ratings WHERE feedback_id = ?", (feedback_id,)).fetchone()
    assert row == ("clear and on topic", "visitor")
