import { parseDocument } from 'yaml';
const t = `# resim-project: demo
# second comment
experiences:
- name:   alpha   # trailing
  description: "quoted"
  locations: [s3://x,  s3://y]
  tags:
      - a
      - 'b'

# between
- name: beta
  description: |
    multi
    line
  locations: []
managedExperienceTags: [x]
`;
const d = parseDocument(t, { keepSourceTokens: false });
console.log(d.errors.length);
console.log(d.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false }));
