// What the console's modules find on `window` besides the DOM: the two classic scripts loaded
// on demand (lazy.js: Chart.js for the dashboards, jsQR for the camera scan), typed from their
// own packages, the platform's QR reader where it has one, and the browser tests' hook.
import type { Chart as ChartJs } from "chart.js";
import type jsQRDecode from "jsqr";

declare global {
  /** The Shape Detection API's reader (Chromium on Android and macOS); not in TypeScript's DOM types yet. */
  interface DetectedBarcode {
    rawValue: string;
    format: string;
  }
  interface BarcodeDetector {
    detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
  }
  interface BarcodeDetectorConstructor {
    new (options?: { formats: string[] }): BarcodeDetector;
    getSupportedFormats(): Promise<string[]>;
  }

  interface Window {
    /** /vendor/chart.js, present once loadScript has run it. */
    Chart?: typeof ChartJs;
    /** /vendor/jsqr.js, present once loadScript has run it. */
    jsQR?: typeof jsQRDecode;
    BarcodeDetector?: BarcodeDetectorConstructor;
    /** The message keys a page asked for in a language that lacks them (the browser tests read it). */
    __luutruMissingKeys: Set<string>;
  }
}

export {};
