// The 3D gallery: a pedestal and placard per exhibit at its catalogue position (metres on the
// lab map, x east and y north, drawn as three.js x and -z), the robot's digital twin, and the
// exhibit in view highlighted. In VR, looking at an exhibit for 1.5 s chooses it (gaze); on a
// desktop, clicking it does.
import * as THREE from "three";
import { VRButton } from "three/addons/webxr/VRButton.js";

const GAZE_SECONDS = 1.5;

function placard(text) {
  const canvas = document.createElement("canvas");
  canvas.width = 512; canvas.height = 128;
  const g = canvas.getContext("2d");
  g.fillStyle = "#2b261f"; g.fillRect(0, 0, 512, 128);
  g.fillStyle = "#f3efe6"; g.font = "bold 34px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
  const words = text.split(" "), lines = [""];
  for (const w of words) {
    if (g.measureText(lines[lines.length - 1] + " " + w).width > 480) lines.push(w);
    else lines[lines.length - 1] = (lines[lines.length - 1] + " " + w).trim();
  }
  lines.slice(0, 2).forEach((line, i) => g.fillText(line, 256, 64 + (i - (Math.min(lines.length, 2) - 1) / 2) * 40));
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  return new THREE.Mesh(new THREE.PlaneGeometry(1.6, 0.4), new THREE.MeshBasicMaterial({map: texture}));
}

function robotTwin() {
  const robot = new THREE.Group();
  const base = new THREE.Mesh(new THREE.CylinderGeometry(0.18, 0.18, 0.12, 32),
                              new THREE.MeshStandardMaterial({color: 0x333333}));
  base.position.y = 0.08;
  const deck = new THREE.Mesh(new THREE.CylinderGeometry(0.17, 0.17, 0.02, 32),
                              new THREE.MeshStandardMaterial({color: 0xcccccc}));
  deck.position.y = 0.45;
  const nose = new THREE.Mesh(new THREE.BoxGeometry(0.08, 0.05, 0.05), new THREE.MeshStandardMaterial({color: 0x7fc8ff}));
  nose.position.set(0.16, 0.16, 0);
  const pole = new THREE.Mesh(new THREE.CylinderGeometry(0.01, 0.01, 0.4), new THREE.MeshStandardMaterial({color: 0x888888}));
  pole.position.y = 0.25;
  robot.add(base, deck, nose, pole);
  return robot;
}

export function createGallery(container, exhibits, onSelect) {
  const renderer = new THREE.WebGLRenderer({antialias: true});
  renderer.setPixelRatio(window.devicePixelRatio);
  renderer.setSize(container.clientWidth, container.clientHeight);
  renderer.xr.enabled = true;
  container.appendChild(renderer.domElement);
  const vr = VRButton.createButton(renderer);
  vr.id = "vr-button";
  document.body.appendChild(vr);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x26221d);
  scene.add(new THREE.HemisphereLight(0xfff4e0, 0x3a3024, 1.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.2);
  sun.position.set(5, 10, 4);
  scene.add(sun);

  const maxX = Math.max(...exhibits.map((e) => e.x)) + 1.5, maxY = Math.max(...exhibits.map((e) => e.y)) + 1.5;
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(maxX, maxY), new THREE.MeshStandardMaterial({color: 0x8a7a62}));
  floor.rotation.x = -Math.PI / 2;
  floor.position.set(maxX / 2, 0, -maxY / 2);
  scene.add(floor);

  const pedestals = new Map();
  for (const e of exhibits) {
    const group = new THREE.Group();
    group.position.set(e.x, 0, -e.y);
    // the zone's centre is where the robot stands; the pedestal is just behind it (north)
    const body = new THREE.Mesh(new THREE.BoxGeometry(0.6, 1.0, 0.6), new THREE.MeshStandardMaterial({color: 0xd8cfbf}));
    body.position.set(0, 0.5, -0.55);
    body.userData.exhibit = e.id;
    const ring = new THREE.Mesh(new THREE.RingGeometry(e.radius - 0.06, e.radius, 48),
                                new THREE.MeshBasicMaterial({color: 0xf0c674, side: THREE.DoubleSide}));
    ring.rotation.x = -Math.PI / 2; ring.position.y = 0.01; ring.visible = false;
    const label = placard(e.name);
    label.position.set(0, 1.35, -0.55);
    group.add(body, ring, label);
    scene.add(group);
    pedestals.set(e.id, {body, ring, label});
  }
  const robot = robotTwin();
  robot.visible = false;
  scene.add(robot);
  let robotTarget = null;

  const camera = new THREE.PerspectiveCamera(55, container.clientWidth / container.clientHeight, 0.05, 100);
  const centre = maxX / 2 + 2.2;   // the panel covers the right of the page
  camera.position.set(centre, 9.5, 4.5);
  camera.lookAt(centre, 0, -maxY / 2);

  const raycaster = new THREE.Raycaster(), pointer = new THREE.Vector2();
  const bodies = [...pedestals.values()].map((p) => p.body);
  renderer.domElement.addEventListener("click", (event) => {
    const rect = renderer.domElement.getBoundingClientRect();
    pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    raycaster.setFromCamera(pointer, camera);
    const hit = raycaster.intersectObjects(bodies)[0];
    if (hit) onSelect(hit.object.userData.exhibit, "click");
  });

  let gazed = null, gazeSince = 0;
  function gaze(now) {   // in VR: the exhibit straight ahead, held long enough, is chosen
    if (!renderer.xr.isPresenting) return;
    const xrCamera = renderer.xr.getCamera();
    raycaster.set(xrCamera.getWorldPosition(new THREE.Vector3()), xrCamera.getWorldDirection(new THREE.Vector3()));
    const hit = raycaster.intersectObjects(bodies)[0];
    const id = hit ? hit.object.userData.exhibit : null;
    if (id !== gazed) { gazed = id; gazeSince = now; }
    else if (id && now - gazeSince > GAZE_SECONDS * 1000) { onSelect(id, "gaze"); gazeSince = Infinity; }
  }

  window.addEventListener("resize", () => {
    camera.aspect = container.clientWidth / container.clientHeight;
    camera.updateProjectionMatrix();
    renderer.setSize(container.clientWidth, container.clientHeight);
  });
  renderer.setAnimationLoop((now) => {
    if (robotTarget) {   // glide towards the latest pose instead of jumping
      robot.position.lerp(robotTarget.position, 0.2);
      robot.rotation.y += (robotTarget.yaw - robot.rotation.y) * 0.2;
    }
    gaze(now);
    renderer.render(scene, camera);
  });

  return {
    highlight(id) {
      for (const [key, p] of pedestals) {
        const on = key === id;
        p.ring.visible = on;
        p.body.material.color.set(on ? 0xf0c674 : 0xd8cfbf);
      }
      container.dataset.highlighted = id || "";
    },
    moveRobot(x, y, theta) {
      robot.visible = true;
      robotTarget = {position: new THREE.Vector3(x, 0, -y), yaw: theta};
      if (container.dataset.robot === undefined) robot.position.copy(robotTarget.position);
      container.dataset.robot = `${x.toFixed(2)},${y.toFixed(2)}`;
    },
  };
}
