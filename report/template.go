package report

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Report: {{.Config.Model.Name}} — {{.Run}}</title>
<style>
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; }
td.l, th.l { text-align: left; }
.collapse { background: #fdd; border: 2px solid #c00; padding: 1em; font-weight: bold; }
img { max-width: 100%; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
figcaption { font-size: 0.85em; text-align: center; }
</style></head><body>
<h1>{{.Config.Model.Name}}: training report</h1>
<p>Run folder <code>{{.Run}}</code>; data <code>{{.Config.Data}}</code>.</p>
{{if .Collapse}}<p class="collapse">{{.Collapse}}</p>{{end}}

<h2>Architecture</h2>
<p>Input {{.InputShape}}; pooling {{.Config.Model.Pool}}; activation {{.Config.Model.Act}};
convolutions {{.Config.Model.Conv}} ({{.Config.Model.Kernel}}×{{.Config.Model.Kernel}});
hidden fully connected {{.Config.Model.FC}}; extra pooling {{.Config.Model.ExtraPool}};
dropout {{.Config.Model.Dropout}}; {{.ParamCount}} parameters.</p>
<table><tr><th class="l">layer</th><th class="l">type</th><th>output shape</th><th>params</th></tr>
{{range .Layers}}<tr><td class="l">{{.Name}}</td><td class="l">{{.Kind}}</td><td>{{shape .Output}}</td><td>{{.Params}}</td></tr>
{{end}}</table>

<h2>Training parameters</h2>
<table>
<tr><th class="l">optimizer</th><td>{{.Config.Train.Optimizer}}</td></tr>
<tr><th class="l">learning rate</th><td>{{.Config.Train.LR}}</td></tr>
{{if eq .Config.Train.Optimizer "sgd"}}<tr><th class="l">momentum</th><td>{{.Config.Train.Momentum}}</td></tr>{{end}}
<tr><th class="l">epochs</th><td>{{len .Metrics}} of {{.Config.Train.Epochs}}</td></tr>
<tr><th class="l">batch</th><td>{{.Config.Train.Batch}}</td></tr>
<tr><th class="l">seed</th><td>{{.Config.Train.Seed}}</td></tr>
</table>

<h2>Test results</h2>
<p>Accuracy {{.Result.Correct}}/{{.Result.Total}} ({{printf "%.2f" .Accuracy}}%),
mean cross-entropy per item {{f6 .Result.AvgLoss}}.</p>
<table><tr><th>true \ predicted</th>{{range $i, $row := .Result.Confusion}}<th>{{label $i}}</th>{{end}}</tr>
{{range $t, $row := .Result.Confusion}}<tr><th>{{label $t}}</th>{{range $row}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>

<h2>Training curves</h2>
{{range .Curves}}<img src="{{.}}" alt="{{.}}">{{end}}
<table><tr><th>epoch</th><th>train loss</th><th>train accuracy</th><th>test loss</th><th>test accuracy</th><th>images/s</th></tr>
{{range .Metrics}}<tr><td>{{.Epoch}}</td><td>{{f6 .TrainLoss}}</td><td>{{pct .TrainAcc}}</td><td>{{f6 .TestLoss}}</td><td>{{pct .TestAcc}}</td><td>{{printf "%.0f" .ImagesPerSec}}</td></tr>
{{end}}</table>

<h2>PCA of the fully connected layers</h2>
<p>Outputs of each fully connected layer (before its activation) for the first
test items, projected on their first two principal components and coloured by
true class.</p>
{{range .PCA}}<figure><img src="{{.File}}" alt="PCA of {{.Layer}}"><figcaption>{{.Layer}}</figcaption></figure>{{end}}

<h2>Saliency and Grad-CAM</h2>
<p>For each sample: the input, the saliency map (|∂ logit / ∂ input|, Simonyan et al.
2013) and the Grad-CAM map at the last convolution's activated output (Selvaraju et
al. 2016), both for the predicted class, drawn over the input.</p>
{{range .Overlays}}<figure><img src="{{.File}}" alt="{{.Caption}}"><figcaption>{{.Caption}}</figcaption></figure>
{{end}}
</body></html>
`
