/**
 * Usage lines and help texts of the command line.
 *
 * @module
 */
import { MODEL_KINDS } from '../models/registry.js';

/** The model kinds as the usage lines show them: `pca|ppca|...`, from the registry. */
const KINDS = MODEL_KINDS.join('|');

/** The one-line usage of each command, printed after a usage error. */
export const USAGE: Readonly<Record<string, string>> = {
  top: 'usage: latent-ts <fit|encode|sample|demo> [options]   (latent-ts --help for more)',
  fit: `usage: latent-ts fit <${KINDS}> --data FILE --out MODEL.safetensors [--labels FILE] [--latent K] [--epochs N] [--seed S]`,
  encode: 'usage: latent-ts encode --model MODEL.safetensors --data FILE --out CODES.csv [--labels FILE]',
  sample: 'usage: latent-ts sample --model MODEL.safetensors -n N --out SAMPLES.svg|.png|.csv [--seed S] [--columns C] [--image-shape HxW]',
  demo: 'usage: latent-ts demo [--out DIR] [--quick] [--seed S] [--epochs N]',
};

const DATA_HELP = `  --data FILE          the samples, one per row: IDX images (MNIST format, .gz or not)
                       or CSV (numbers separated by commas, optional header line)`;

/** The full help text of each command, printed by `--help`. */
export const HELP: Readonly<Record<string, string>> = {
  top: `latent-ts: PCA, probabilistic PCA, autoencoders and VAEs in pure TypeScript.

usage: latent-ts <command> [options]

Commands:
  fit <kind>             fit a model (${KINDS}) to data and save it as .safetensors
  encode                 write the codes of data under a saved model as CSV
  sample                 draw samples from a saved model into an image grid (SVG or PNG) or CSV
  demo                   run the demo on the built-in digits (pictures, models, metrics)

Options:
  -h, --help             show this help; 'latent-ts <command> --help' for a command's options
  --version              print the version

Exit codes: 0 success, 1 runtime error (unreadable or corrupt file, ...), 2 bad arguments
(including an --out path that cannot be written, checked before any work).`,

  fit: `${USAGE.fit}

Fits a model to the rows of --data and saves it (type, version and configuration in the
safetensors metadata, so 'encode' and 'sample' know what they load).

${DATA_HELP}
  --out FILE           where to save the model (.safetensors; written atomically)
  --labels FILE        labels of the rows (IDX labels or one-column CSV): reports the 5-NN
                       accuracy of the codes (last 20% of rows classified by the first 80%)
  --latent K           code size / number of components (default 2); cvae: the number
                       of categorical variables
  --categories K       cvae: categories per variable (default 4; codes of
                       latent · log2(K) bits)
  --epochs N           training epochs of ae, vae, cvae and vqvae (default 10)
  --hidden LIST        hidden layer widths of ae, vae, cvae and vqvae, e.g. 512,256 (default 256)
  --batch-size N       minibatch size of ae, vae, cvae and vqvae (default 128)
  --learning-rate X    Adam step size of ae, vae, cvae and vqvae (default 0.001)
  --likelihood L       vae decoder: bernoulli or gaussian (default: bernoulli when every
                       value is in [0, 1], else gaussian)
  --codes K            vqvae: codes in the codebook (default 16); --latent is the number of
                       latent vectors M, each coded by one index (M·log2 K bits per row)
  --seed S             seed of initialisation and shuffling (default 0)
  --quiet              no progress lines
  -h, --help           show this help`,

  encode: `${USAGE.encode}

Writes one CSV row per sample with columns z1..zK: the PCA projection, the PPCA, factor
analysis or VAE posterior mean, the cvae's category probabilities (K columns per variable),
the VQ-VAE's integer code indices, or the Autoencoder code.

  --model FILE         a model saved by 'latent-ts fit' (or by saveState in code)
${DATA_HELP}
  --out FILE           the CSV file to write
  --labels FILE        labels of the rows (IDX labels or one-column CSV), added as a
                       'label' column
  -h, --help           show this help`,

  sample: `${USAGE.sample}

Draws N samples from a generative model and draws them as an image grid. VAE: decoder means of
z ~ N(0, I). PPCA and fa: x = Wz + mean + noise (fa: one noise variance per feature). PCA: its probabilistic reading without the noise
(z ~ N(0, diag(explained variance)), decoded). cvae: decoder means of codes drawn from the
uniform categorical prior. VQ-VAE: codes drawn uniformly, decoded (it has no learned prior).
Autoencoders have no prior and cannot sample.

  --model FILE         a model saved by 'latent-ts fit'
  -n N                 number of samples (1 to 10000)
  --out FILE           .svg or .png for an image grid, .csv for the raw values
                       (any other extension is refused)
  --seed S             seed of the draws (default 0)
  --columns C          images per row of the grid (default 8)
  --image-shape HxW    image size (default: square, sqrt of the number of features)
  -h, --help           show this help`,

  demo: `${USAGE.demo}

Fits PCA, PPCA, Autoencoders and VAEs (2-, 16- and 32-D codes) on the built-in digits and
writes pictures, models, metrics.json and index.html; prints a metrics table. The digits ship
inside the package (10,000 MNIST digits).

  --out DIR            output directory (default demo-output)
  --quick              a small, fast run (subset, few epochs)
  --seed S             seed of the split, initialisation and draws (default 0)
  --epochs N           epochs of the 2-D models (the wider ones get half)
  -h, --help           show this help`,
};
