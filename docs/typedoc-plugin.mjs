// TypeDoc plugin for the API reference (typedoc.json loads it), so that no source file needs
// documentation-only tags:
// 1. Every exported symbol gets a category from the folder it is defined in (CATEGORIES), so the
//    reference reads by topic instead of one list of ~200 names; a symbol from a file no rule
//    covers is a warning (an error under treatWarningsAsErrors), so a new folder gets a topic.
// 2. A reference to a type alias the package does not export (the models' private
//    `Input = MatrixInput | Tensor`) is replaced by the alias's own type, so signatures show
//    and link `MatrixInput` and `Tensor` instead of an unlinked `Input`.
// 3. The project documents (docs/guide.md) form a "Guide" category listed first, each titled by
//    its first heading.
import { Comment, CommentTag, Converter, ReferenceType, ReflectionKind, UnionType } from 'typedoc';
import ts from 'typescript';

/** Category of each source path prefix (first match wins), with the line the index shows. */
const CATEGORIES = [
  ['src/models/', 'Models', 'The estimators: PCA, probabilistic PCA, autoencoders and VAEs, their options and results.'],
  ['src/data/', 'Data', 'The built-in digits, the IDX reader, and the matrix input every fit and encode takes.'],
  ['src/validate.ts', 'Data', ''],
  ['src/sparse/', 'Sparse and text', 'Sparse CSR matrices and their products, and the vectorizers that turn text into them.'],
  ['src/text/', 'Sparse and text', ''],
  ['src/train/', 'Training', 'Training options, optimizers, gradient clipping and the hooks of a fit.'],
  ['src/optim/', 'Training', ''],
  ['src/io/', 'IO', 'Saving and loading: safetensors, model state, atomic file writes, checksums.'],
  ['src/hashing/', 'Hashing', 'Semantic hashing: binary codes, Hamming search and precision@k.'],
  ['src/viz/', 'Plotting', 'SVG scatter plots and image grids, PNG encoding, tick marks and colours.'],
  ['src/errors.ts', 'Errors', 'The error classes latent-ts throws, beside the standard TypeError and RangeError.'],
  ['src/tensor/', 'Low level', 'The engine underneath: tensors, differentiable operations, layers, kernels, random numbers.'],
  ['src/autodiff/', 'Low level', ''],
  ['src/nn/', 'Low level', ''],
  ['src/kernels/', 'Low level', ''],
  ['src/random/', 'Low level', ''],
];

const text = (s) => [{ kind: 'text', text: s }];

function categoryOf(path) {
  return CATEGORIES.find(([prefix]) => path === prefix || path.startsWith(prefix))?.[1];
}

/** Adds a `@category` block tag where TypeDoc's CategoryPlugin reads it. */
function tagCategory(reflection, category) {
  const signature = reflection.signatures?.find((s) => s.comment);
  const comment = reflection.comment ?? signature?.comment ?? (reflection.comment = new Comment());
  comment.blockTags.push(new CommentTag('@category', text(category)));
}

/** The declared type of a non-exported alias, converted, or undefined when it is not one. */
function aliasType(context, type) {
  if (!(type instanceof ReferenceType) || type.reflection || !type.symbolId || type.package !== context.project.packageName) return undefined;
  const { packagePath, qualifiedName } = type.symbolId;
  for (const program of context.programs) {
    const file = program.getSourceFiles().find((f) => f.fileName.replace(/\\/g, '/').endsWith(`/${packagePath}`));
    const alias = file?.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === qualifiedName);
    if (!alias) continue;
    context.setActiveProgram(program);
    try {
      return context.converter.convertType(context.withScope(context.project), alias.type);
    } finally {
      context.setActiveProgram(undefined);
    }
  }
  return undefined;
}

/** `type` with every reference to a non-exported alias replaced by that alias's type. */
function inlineAliases(context, type) {
  if (!type) return type;
  const replaced = aliasType(context, type);
  if (replaced) return replaced;
  if (type instanceof UnionType) type.types = type.types.map((t) => inlineAliases(context, t));
  if (type.type === 'array') type.elementType = inlineAliases(context, type.elementType);
  if (type instanceof ReferenceType && type.typeArguments) type.typeArguments = type.typeArguments.map((t) => inlineAliases(context, t));
  return type;
}

function inlineInSignature(context, signature) {
  for (const parameter of signature.parameters ?? []) parameter.type = inlineAliases(context, parameter.type);
  signature.type = inlineAliases(context, signature.type);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const child of project.children ?? []) {
      const path = project.getSymbolIdFromReflection(child)?.packagePath;
      const category = path && categoryOf(path);
      if (category) tagCategory(child, category);
      else app.logger.warn(`docs/typedoc-plugin.mjs: no category for ${child.name} (defined in ${path ?? 'an unknown file'}); add its folder to CATEGORIES`);
    }
    for (const document of project.documents ?? []) {
      document.frontmatter.category = 'Guide';
      // Title the page by the document's first heading rather than its file name.
      const heading = /^# (.+)$/m.exec(Comment.combineDisplayParts(document.content));
      if (heading) document.name = heading[1].trim();
    }
    const projectComment = project.comment ?? (project.comment = new Comment());
    for (const [, category, description] of CATEGORIES) {
      if (description) projectComment.blockTags.push(new CommentTag('@categoryDescription', [...text(`${category}\n`), ...text(description)]));
    }

    for (const reflection of project.getReflectionsByKind(ReflectionKind.All)) {
      if (reflection.signatures) for (const s of reflection.signatures) inlineInSignature(context, s);
      if (reflection.getSignature) inlineInSignature(context, reflection.getSignature);
      if (reflection.setSignature) inlineInSignature(context, reflection.setSignature);
      if ('type' in reflection && reflection.kindOf?.(ReflectionKind.SomeValue | ReflectionKind.Property | ReflectionKind.Accessor | ReflectionKind.TypeAlias)) {
        reflection.type = inlineAliases(context, reflection.type);
      }
    }
  });
}
